# A thin wrapper over CMake, which is the one build description (CMakeLists.txt).
#
#   make chapterN   build build/chapterN              make test      build, then run every test
#   make run        build and run every chapter       make sanitize  the tests under ASan + UBSan
#   make bench      build and run the benchmarks      make mnist     get and check MNIST
#   make clean      remove build folders and results
#
# CMAKE_ARGS passes options to CMake, e.g. `make test CMAKE_ARGS=-DNN_NATIVE=OFF`.

BUILD          ?= build
SANITIZE_BUILD ?= build-sanitize
RESULTS        ?= results
CMAKE_ARGS     ?=
JOBS           ?= $(shell nproc 2>/dev/null || echo 2)

# The chapters that exist: chapters/chapterN_<name>/ with a CMakeLists.txt.
CHAPTERS := $(sort $(patsubst chapters/chapter%/CMakeLists.txt,%,$(wildcard chapters/chapter*/CMakeLists.txt)))
CHAPTER_NUMBERS := $(foreach c,$(CHAPTERS),$(firstword $(subst _, ,$(c))))

.PHONY: all configure run test bench mnist sanitize clean $(addprefix chapter,$(CHAPTER_NUMBERS))

all: configure
	cmake --build $(BUILD) -j $(JOBS)

configure:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_ARGS) > $(BUILD).configure.log 2>&1 \
	  || { cat $(BUILD).configure.log; exit 1; }

$(addprefix chapter,$(CHAPTER_NUMBERS)): chapter%: configure
	cmake --build $(BUILD) --target chapter$* -j $(JOBS)

run: configure
	cmake --build $(BUILD) -j $(JOBS) --target $(addprefix chapter,$(CHAPTER_NUMBERS))
	@sh chapters/run_all.sh $(BUILD) $(RESULTS) $(CHAPTER_NUMBERS)

test: configure
	cmake --build $(BUILD) -j $(JOBS)
	@sh tests/tree_state.sh > $(BUILD)/tree_before.txt
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure
	@sh tests/tree_state.sh | diff $(BUILD)/tree_before.txt - > /dev/null \
	  || { echo "make test: the tests left files in the source tree:"; sh tests/tree_state.sh | diff $(BUILD)/tree_before.txt - | grep '^>'; exit 1; }

bench: configure
	cmake --build $(BUILD) -j $(JOBS) --target bench
	@found=0; for b in $(BUILD)/bench/*; do \
	  [ -x "$$b" ] || continue; found=1; echo "== $$b"; "$$b" || exit 1; \
	done; [ $$found = 1 ] || echo "no benchmarks yet"

mnist:
	@sh datasets/fetch_mnist.sh

sanitize:
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNN_SANITIZE=ON $(CMAKE_ARGS) \
	  > $(SANITIZE_BUILD).configure.log 2>&1 || { cat $(SANITIZE_BUILD).configure.log; exit 1; }
	cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest -j $(JOBS) --output-on-failure

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) $(BUILD).configure.log $(SANITIZE_BUILD).configure.log $(RESULTS)
