# The two commands of the README. Both install missing Debian packages first.
#   make demo  — build and run flowsleuth on the bundled example
#   make test  — build and run every test through CTest
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
# CI builds treat warnings as errors.
WERROR ?= $(if $(CI),ON,OFF)
FUZZ_SECONDS ?= 20

.PHONY: all deps configure build demo test bench fuzz clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DFLOWSLEUTH_WERROR=$(WERROR) -DFLOWSLEUTH_FUZZ_SECONDS=$(FUZZ_SECONDS)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)/flowsleuth

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD_DIR)/flowsleuth

clean:
	rm -rf $(BUILD_DIR)
