# A thin wrapper over CMake, which is the one build description (CMakeLists.txt).
#
#   make chapterN   build build/chapterN              make test      build, then run every test
#   make run        build and run every chapter       make sanitize  the tests under ASan + UBSan
#   make bench      build and run the benchmarks      make mnist     get and check MNIST
#   make clean      remove build folders and results
#
# CMAKE_ARGS passes options to CMake, e.g. `make test CMAKE_ARGS=-DNN_NATIVE=OFF`. Each set of
# options builds in a folder of its own (here build-NN_NATIVE-OFF), so a build with other options
# never replaces the default one that `make run` uses; the project's options are passed on every
# configure, so a folder's cache cannot keep an option from an earlier command.

CMAKE_ARGS     ?=
space          := $(subst ,, )
CONFIG_TAG     := $(subst $(space),_,$(subst -D,,$(subst =,-,$(strip $(CMAKE_ARGS)))))
BUILD          ?= build$(if $(CONFIG_TAG),-$(CONFIG_TAG))
SANITIZE_BUILD ?= build-sanitize$(if $(CONFIG_TAG),-$(CONFIG_TAG))
RESULTS        ?= results
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)
DEFAULTS       := -DNN_NATIVE=ON -DNN_WERROR=OFF

# The chapters that exist: chapters/chapterN_<name>/ with a CMakeLists.txt.
CHAPTERS := $(sort $(patsubst chapters/chapter%/CMakeLists.txt,%,$(wildcard chapters/chapter*/CMakeLists.txt)))
CHAPTER_NUMBERS := $(foreach c,$(CHAPTERS),$(firstword $(subst _, ,$(c))))
HAVE_MNIST = [ -f datasets/mnist/t10k-labels-idx1-ubyte ]

.PHONY: all configure run test bench mnist sanitize clean $(addprefix chapter,$(CHAPTER_NUMBERS))

all: configure
	cmake --build $(BUILD) -j $(JOBS)

configure:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DNN_SANITIZE=OFF $(DEFAULTS) $(CMAKE_ARGS) \
	  > $(BUILD).configure.log 2>&1 || { cat $(BUILD).configure.log; exit 1; }

$(addprefix chapter,$(CHAPTER_NUMBERS)): chapter%: configure
	cmake --build $(BUILD) --target chapter$* -j $(JOBS)

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target chapters
	@sh chapters/run_all.sh $(BUILD) $(RESULTS) $(CHAPTER_NUMBERS)

# The tests. MNIST is fetched first when it can be (as `make run` does); the tests that need it
# are skipped otherwise, and the last line says how many and how to run them.
test:
	@$(HAVE_MNIST) || sh datasets/fetch_mnist.sh > /dev/null 2>&1 || true
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD) -j $(JOBS)
	@sh tests/run_ctest.sh $(BUILD) $(JOBS)

bench: configure
	cmake --build $(BUILD) -j $(JOBS) --target bench
	@found=0; for b in $(BUILD)/bench/*; do \
	  [ -x "$$b" ] || continue; found=1; echo "== $$b"; "$$b" || exit 1; \
	done; [ $$found = 1 ] || echo "no benchmarks yet"

mnist:
	@sh datasets/fetch_mnist.sh

sanitize:
	@$(HAVE_MNIST) || sh datasets/fetch_mnist.sh > /dev/null 2>&1 || true
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNN_SANITIZE=ON $(DEFAULTS) $(CMAKE_ARGS) \
	  > $(SANITIZE_BUILD).configure.log 2>&1 || { cat $(SANITIZE_BUILD).configure.log; exit 1; }
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run_ctest.sh $(SANITIZE_BUILD) $(JOBS)

clean:
	rm -rf build build-* build.configure.log build-*.configure.log $(RESULTS)
