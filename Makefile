# SPDX-License-Identifier: BSD-2-Clause
# Thin wrapper over CMake presets.  `make run` and `make test` are the two commands
# the README promises work on a fresh Debian 12 machine as root.

DEBS = build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev \
       libcmocka-dev libbsd-dev zlib1g-dev libzstd-dev zstd gzip valgrind \
       clang-format mandoc
JOBS ?= 2

.PHONY: all deps run test test-asan test-tsan fuzz-build memcheck bench format \
	format-check clean

all: deps
	cmake --preset release >/dev/null && cmake --build --preset release -j $(JOBS)

# Install whatever Debian packages are missing (needs root and apt-get).
deps:
	@missing=""; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
		    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		    apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: all
	./build/release/uvmsim

test: deps
	cmake --preset debug >/dev/null && cmake --build --preset debug -j $(JOBS)
	ctest --test-dir build/debug --output-on-failure -j $(JOBS)

test-asan: deps
	cmake --preset asan >/dev/null && cmake --build --preset asan -j $(JOBS)
	ctest --test-dir build/asan --output-on-failure -j $(JOBS)

test-tsan: deps
	cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS)
	ctest --test-dir build/tsan --output-on-failure -j $(JOBS) -L stress

fuzz-build: deps
	cmake --preset fuzz >/dev/null && cmake --build --preset fuzz -j $(JOBS)

# valgrind memcheck over the unit tests (debug build).
memcheck: deps
	cmake --preset debug >/dev/null && cmake --build --preset debug -j $(JOBS)
	sh .ci/memcheck.sh build/debug

bench: all
	./build/release/uvmbench

SRCS = $$(git ls-files '*.c' '*.h' 2>/dev/null || find include src tools tests bench fuzz -name '*.[ch]')
format:
	clang-format -i $(SRCS)

format-check:
	clang-format --dry-run -Werror $(SRCS)

clean:
	rm -rf build
