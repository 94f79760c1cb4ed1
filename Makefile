# convprof — build, test, run, install.
#
#   make            build ./convprof
#   make check      install missing packages, build, run every test
#   make run        install missing packages, build, profile the default workload
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean      remove everything the build made
#   V=1             show the commands

VERSION := 0.1.0
GIT_REV := $(shell git rev-parse --short HEAD 2>/dev/null)
FULL_VERSION := $(VERSION)$(if $(GIT_REV),-g$(GIT_REV))

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= gcc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wno-unused-parameter
OUT := build

CPPFLAGS += -D_GNU_SOURCE -DCP_VERSION='"$(FULL_VERSION)"' \
	-Iinclude -Iprofiler -I. -I$(OUT)
ALL_CFLAGS = $(CFLAGS) $(WARNINGS) -fopenmp -MMD -MP
LDLIBS := -ldnnl -lpfm -lhwloc -ljansson -lsqlite3 -lbpf -lelf -lz -lm -lstdc++ -fopenmp

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Debian 12 packages: building, then testing. `make deps` installs the missing.
BUILD_PKGS := gcc make libc6-dev pkg-config libpfm4-dev libhwloc-dev \
	libjansson-dev libbpf-dev bpftool clang llvm libelf-dev zlib1g-dev \
	libdnnl-dev libsqlite3-dev
TEST_PKGS := mandoc man-db hwloc jq procps libxml2-utils sqlite3 python3 chromium \
	python3-torch python3-torchvision

SRCS := $(filter-out profiler/hook/%,$(wildcard profiler/*/*.c workloads/*.c reports/*.c))
ASM_SRCS := $(wildcard workloads/*.S)
OBJS := $(SRCS:%.c=$(OUT)/%.o) $(ASM_SRCS:%.S=$(OUT)/%.o)
LIB_OBJS := $(filter-out $(OUT)/profiler/cli/convprof.o,$(OBJS))

# eBPF: bpf/<name>.bpf.c -> build/bpf/<name>.bpf.o (clang, CO-RE against the
# committed bpf/vmlinux.h) -> build/<name>.skel.h (bpftool gen skeleton), which
# profiler/ebpf/*.c include. Skeletons are generated, never committed.
CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),/usr/sbin/bpftool)
BPF_ARCH := $(shell uname -m | sed 's/x86_64/x86/; s/aarch64/arm64/; s/ppc64le/powerpc/')
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Werror
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:bpf/%.bpf.c=$(OUT)/bpf/%.bpf.o)
SKELS := $(BPF_SRCS:bpf/%.bpf.c=$(OUT)/%.skel.h)

HOOK_SRCS := $(wildcard profiler/hook/*.c)
HOOK_OBJS := $(HOOK_SRCS:profiler/hook/%.c=$(OUT)/hook/%.o)
HOOK_LIB := $(OUT)/libconvprof-hook.so

UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OUT)/tests/%)

# Fuzzing (tests/fuzz/): each fuzz-<target>.c is a libFuzzer harness. `make
# tests` builds it with replay.c into $(OUT)/fuzz/replay-<target>, which runs
# the seed corpus and every input that ever crashed (tests/cli/t-fuzz.sh);
# `make fuzz` builds it with clang and libFuzzer in build-fuzz/ and runs it.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_TARGETS := $(FUZZ_SRCS:tests/fuzz/fuzz-%.c=%)
REPLAY_BINS := $(FUZZ_TARGETS:%=$(OUT)/fuzz/replay-%)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(OUT)/fuzz/fuzz-%)
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all

MANPAGES := $(wildcard man/*.1)

.PHONY: all check run install uninstall clean deps deps-build tests bench bench-app net-bench \
	fuzz fuzz-bins asan asan-bins
.DELETE_ON_ERROR:

all: convprof $(HOOK_LIB)

convprof: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

# libconvprof-hook.so: loaded into a profiled application (LD_PRELOAD and as
# oneDNN's ITT collector) and by the built-in runner; position-independent,
# nothing exported but the __itt_* and cp_* entry points.
$(OUT)/hook/%.o: profiler/hook/%.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(HOOK_LIB): $(HOOK_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -shared -fPIC -o $@ $^ $(LDFLAGS) -ldl -lpthread

$(OUT)/%.o: %.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# .S files embed the built-in models' cfg texts (.incbin, which -MMD misses)
$(OUT)/%.o: %.S
	$(call msg,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(OUT)/workloads/models.o: $(wildcard workloads/models/*.cfg)

$(OUT)/bpf/%.bpf.o: bpf/%.bpf.c bpf/%.h bpf/common.h bpf/common.bpf.h bpf/vmlinux.h
	$(call msg,BPF,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -I$(OUT) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUT)/%.skel.h: $(OUT)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# the loader includes every skeleton; the first build has no .d file yet
$(patsubst %.c,$(OUT)/%.o,$(wildcard profiler/ebpf/*.c)): $(SKELS)
.SECONDARY: $(BPF_OBJS)

$(OUT)/tests/%: tests/unit/%.c tests/unit/tap.h $(LIB_OBJS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

$(OUT)/fuzz/replay-%: tests/fuzz/fuzz-%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(LIB_OBJS)
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit -Itests/fuzz $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

# An archive, so a harness links only the objects it reaches: the machine
# kernels (gcc's newer __builtin_cpu_supports names) are not built by clang 14.
# clang is held to -Wall, not -Werror: the gcc build is the one kept clean.
FUZZ_LIB_OBJS := $(filter-out $(OUT)/profiler/machine/%,$(LIB_OBJS))

$(OUT)/libconvprof-fuzz.a: $(FUZZ_LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz.h $(OUT)/libconvprof-fuzz.a
	$(call msg,FUZZ-LD,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit -Itests/fuzz $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(OUT)/libconvprof-fuzz.a $(LDFLAGS) $(LDLIBS)

fuzz-bins: $(FUZZ_BINS)

# `make asan`: the unit tests and the fuzz replays built with ASan and UBSan
# in build-asan/ and run (tests/run-asan.sh); any report fails it. CI runs it.
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan-bins: $(UNIT_BINS) $(REPLAY_BINS) $(HOOK_LIB)

asan: deps-build
	$(Q)$(MAKE) --no-print-directory OUT=build-asan CFLAGS="-O1 -g $(ASAN_FLAGS)" \
		LDFLAGS="$(ASAN_FLAGS)" asan-bins
	$(Q)tests/run-asan.sh build-asan

# FUZZ_SECONDS=N per target (default 60); FUZZ_TARGETS="cfg store" for some.
fuzz: deps-build
	$(Q)$(MAKE) --no-print-directory OUT=build-fuzz CC=clang WARNINGS="-Wall -Wno-unused-parameter" \
		CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		LDFLAGS="$(FUZZ_SAN)" fuzz-bins
	$(Q)tests/fuzz/run-fuzz.sh build-fuzz/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Tuning tool for workloads/net*.c, not run by `make check`.
net-bench: $(OUT)/net-bench

$(OUT)/net-bench: tests/bench/net-bench.c $(LIB_OBJS)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS) $(LDLIBS)

# Installing is only tried for what is missing: the check is a dpkg-query per
# package, cheap enough for check and run to do it every time.
missing_pkgs = for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; \
	done

deps:
	@missing="$$($(call missing_pkgs,$(or $(PKGS),$(BUILD_PKGS) $(TEST_PKGS))))"; \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	echo "deps: installing $$missing"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: not root; run: sudo apt-get install $$missing" >&2; exit 1; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing

deps-build:
	@$(MAKE) --no-print-directory deps PKGS="$(BUILD_PKGS)"

check: deps
	$(Q)$(MAKE) --no-print-directory convprof tests
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)tests/run-tests.sh

# The layout and style rules of HACKING.md (layers, object cycles, who prints,
# sizes); the cycle check reads the objects.
.PHONY: lint
lint: $(OBJS) $(HOOK_OBJS)
	$(Q)tests/lint/lint.sh

tests: convprof $(HOOK_LIB) $(UNIT_BINS) $(REPLAY_BINS) $(OUT)/tests/app-prims

# A oneDNN application of known shapes for tests/cli/t-app.sh (not a unit
# test: its name does not start with test-).
$(OUT)/tests/app-prims: tests/app/prims.c
	$(call msg,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) -ldnnl

# The main job: ResNet-50 with the defaults (f32, blocked layout, fused,
# one pinned worker per core), per layer.
run: deps-build
	$(Q)$(MAKE) --no-print-directory convprof
	./convprof stat resnet50

# Performance against peers and the instrumentation's own cost, in one run
# (not a test: timings belong here). BENCH_ARGS=--quick for a short one.
BENCH_PKGS := python3 python3-torch python3-torchvision python3-opencv python3-numpy linux-perf
bench: deps-build
	@$(MAKE) --no-print-directory deps PKGS="$(BENCH_PKGS)"
	$(Q)$(MAKE) --no-print-directory convprof net-bench
	/usr/bin/python3 tests/bench/bench.py $(BENCH_ARGS)

# `convprof stat -- <command>` against the same PyTorch script unprofiled,
# under ONEDNN_VERBOSE=1 and under torch.profiler (not a test: timings).
bench-app: deps-build
	@$(MAKE) --no-print-directory deps PKGS="python3 python3-torch python3-torchvision"
	$(Q)$(MAKE) --no-print-directory convprof $(HOOK_LIB)
	/usr/bin/python3 tests/bench/app-bench.py $(BENCH_ARGS)

install: convprof $(HOOK_LIB)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(LIBDIR)/convprof
	install -m 755 convprof $(DESTDIR)$(BINDIR)/convprof
	install -m 755 $(HOOK_LIB) $(DESTDIR)$(LIBDIR)/convprof/libconvprof-hook.so
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/convprof $(DESTDIR)$(LIBDIR)/convprof/libconvprof-hook.so
	-rmdir $(DESTDIR)$(LIBDIR)/convprof 2>/dev/null
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES)))

clean:
	rm -rf $(OUT) build-fuzz build-asan convprof tests/out

-include $(OBJS:.o=.d) $(HOOK_OBJS:.o=.d) $(UNIT_BINS:=.d) $(REPLAY_BINS:=.d)
