# Shared setup for exitscope's bats files: bats_load_library needs
# BATS_LIB_PATH, which Debian's bats-support/bats-assert install under.
export BATS_LIB_PATH=${BATS_LIB_PATH:-/usr/lib/bats}
bats_load_library bats-support
bats_load_library bats-assert

EXITSCOPE_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export EXITSCOPE_ROOT
EXITSCOPE=$EXITSCOPE_ROOT/harness/build/exitscope
EXITPROBE=$EXITSCOPE_ROOT/harness/build/exitprobe
