"""C++ message, gRPC and gmock code from protos/, with the system protoc."""

def cc_grpc_library(name, srcs, deps = [], dep_srcs = [], visibility = None):
    """Generates and compiles one proto package.

    Args:
      name: the cc_library's name.
      srcs: .proto files of this package, relative to the calling package.
      deps: cc_grpc_library targets this package imports.
      dep_srcs: the .proto files of those deps (needed as protoc inputs).
      visibility: of the cc_library.
    """
    outs = []
    hdrs = []
    for s in srcs:
        base = s[:-len(".proto")]
        hdrs += [base + ".pb.h", base + ".grpc.pb.h", base + "_mock.grpc.pb.h"]
        outs += [base + ".pb.cc", base + ".grpc.pb.cc"]
    native.genrule(
        name = name + "_codegen",
        srcs = srcs + dep_srcs,
        outs = outs + hdrs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I" + native.package_name(),
            "-I/usr/include",
            "--cpp_out=$(RULEDIR)",
            "--grpc_out=generate_mock_code=true:$(RULEDIR)",
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin",
        ] + ["$(location %s)" % s for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = outs,
        hdrs = hdrs,
        includes = ["."],
        deps = deps + ["@system//:grpc"],
        visibility = visibility,
    )

def grpc_proto_cc_library(name, proto):
    """Message and gRPC code of one .proto from Debian's grpc-proto package.

    Args:
      name: the cc_library's name.
      proto: path under /usr/share/grpc-proto, e.g. "grpc/health/v1/health.proto".
    """
    base = proto[:-len(".proto")]
    srcs = [base + ".pb.cc", base + ".grpc.pb.cc"]
    hdrs = [base + ".pb.h", base + ".grpc.pb.h"]
    native.genrule(
        name = name + "_codegen",
        outs = srcs + hdrs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "-I/usr/share/grpc-proto",
            "--cpp_out=$(RULEDIR)",
            "--grpc_out=$(RULEDIR)",
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin",
            "/usr/share/grpc-proto/" + proto,
        ]),
    )
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        includes = ["."],
        deps = ["@system//:grpc"],
    )
