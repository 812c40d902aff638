"""A libFuzzer target and the test that replays its corpus.

fuzz_target(name, srcs, deps) makes:
  name_lib          the target's LLVMFuzzerTestOneInput
  name_corpus_test  a test in the default build: every input of
                    tests/fuzz/corpus/<name>/ replayed (gcc or clang)
  name              the fuzzer itself (manual: build with --config=fuzz,
                    which links libFuzzer's main; tests/fuzz/run.sh does)
"""

def fuzz_target(name, srcs, deps):
    native.cc_library(
        name = name + "_lib",
        testonly = True,
        srcs = srcs,
        deps = deps + ["//tests/fuzz:fuzz_input"],
        alwayslink = True,
    )
    native.cc_test(
        name = name + "_corpus_test",
        srcs = ["corpus_main.cc"],
        args = ["tests/fuzz/corpus/" + name],
        data = native.glob(["corpus/" + name + "/**"]),
        deps = [":" + name + "_lib"],
    )
    native.cc_binary(
        name = name,
        testonly = True,
        linkopts = ["-fsanitize=fuzzer"],
        tags = ["manual"],
        deps = [":" + name + "_lib"],
    )
