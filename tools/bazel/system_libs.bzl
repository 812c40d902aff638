"""Exposes Debian's system libraries as cc_library targets via pkg-config."""

_LIBS = {
    "grpc": ["grpc++", "protobuf"],
    "absl": ["absl_status", "absl_statusor", "absl_strings", "absl_str_format", "absl_time", "absl_synchronization", "absl_random_random"],
    "absl_flags": ["absl_flags_parse"],
    "pqxx": ["libpqxx", "libpq"],
    "gtest": ["gtest", "gmock"],
    "gtest_main": ["gtest_main", "gmock"],
    "benchmark": ["benchmark"],
    "prometheus": ["prometheus-cpp-pull", "prometheus-cpp-core"],
    "openssl": ["openssl"],
    # gperftools' tcmalloc: gRPC's many small allocations across threads cost
    # glibc malloc about 20 % of the suite's throughput (docs/benchmarks.md).
    "tcmalloc": ["libtcmalloc_minimal"],
}

# Libraries without a .pc file.
_EXTRA = {
    "grpc": ["-lgrpc++_reflection"],
}

def _system_libs_impl(ctx):
    build = ['package(default_visibility = ["//visibility:public"])\n']
    for name, pkgs in _LIBS.items():
        res = ctx.execute(["pkg-config", "--libs"] + pkgs)
        if res.return_code != 0:
            fail("pkg-config failed for %s: %s (run the README's set-up command)" % (pkgs, res.stderr))
        flags = _EXTRA.get(name, []) + res.stdout.strip().split(" ")

        # Keep the order pkg-config gives, dropping repeats after the first.
        seen = {}
        uniq = []
        for f in flags:
            if f and f not in seen:
                seen[f] = True
                uniq.append(f)
        build.append("cc_library(\n    name = %r,\n    linkopts = %r,\n)\n" % (name, uniq))
    ctx.file("BUILD", "\n".join(build))
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)

system_libs = repository_rule(
    implementation = _system_libs_impl,
    local = True,
)
