# One non-recursive Makefile for the library and the three programs.
# Targets: all check demo bench fuzz install clean.  Objects go under $(BUILD).

# Sub-makes stay quiet about directories, so that the test summary is the last line.
MAKEFLAGS += --no-print-directory

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

PKG_CONFIG ?= pkg-config
# libjte-2: the jigdo template engine libisofs is linked with (Debian's libjte-dev); mkimage
# hands libisofs its handle for -jigdo-jigdo (common/build/jigdo.c).
PKGS := libisofs-1 libburn-1 libjte-2 popt json-c libcrypto libsystemd libudev zlib

# The code relies on libisofs and libburn 1.5.4 behaving as they do (common/base/libversion.c
# lists where): other versions are refused here and by the programs at start, unless built with
# `make ALLOW_UNTESTED_LIBS=1` (then the programs only warn about an API-compatible version).
PINNED_LIBS := libisofs-1 libburn-1
PINNED_VERSION := 1.5.4
ALLOW_UNTESTED_LIBS ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -Werror -pthread
CPPFLAGS += -D_XOPEN_SOURCE=700 -D_FILE_OFFSET_BITS=64 -I. \
            -DIMG_VERSION='"$(VERSION)"' -MMD -MP \
            $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread
# Each program loads only the libraries its objects use (mkimage needs neither libsystemd nor
# libudev): less to map and relocate at start, and a lower peak RSS.
LDFLAGS += -Wl,--as-needed

ifeq ($(ALLOW_UNTESTED_LIBS),1)
CPPFLAGS += -DIMG_ALLOW_UNTESTED_LIBS
endif

ifeq ($(SANITIZE),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# The library, one folder per concern (README: Layout).  common/cli/ is the terminal side of the
# programs and goes into an archive of its own: unit tests link libcommon.a alone, and
# check-lib-quiet proves from the archive's symbols that the library never prints or exits.
LIB_DIRS := base build udf inspect burn
LIB_SRC  := $(sort $(foreach d,$(LIB_DIRS),$(wildcard common/$(d)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/common/libcommon.a
CLI_SRC  := $(sort $(wildcard common/cli/*.c))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
CLI_LIB  := $(BUILD)/common/libcli.a

# A program exists once its folder has a main.c; every .c in the folder is linked.
PROGS    := $(patsubst %/main.c,%,$(wildcard mkimage/main.c imginfo/main.c imgburn/main.c))
BINS     := $(PROGS:%=$(BUILD)/bin/%)

# Test tools (tests/tools/<name>.c): small programs over the library that e2e tests run.
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOLS    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# LD_PRELOAD shims of the e2e tests (tests/tools/preload/<name>.c): shared objects, without
# the sanitizers (they load before any ASan runtime) and without the library.
SHIM_SRC := $(sort $(wildcard tests/tools/preload/*.c))
SHIMS    := $(SHIM_SRC:tests/tools/preload/%.c=$(BUILD)/tools/%.so)

UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check demo bench bench-tools fuzz install clean deps unit e2e e2e-asan lib-versions
all: $(BINS) $(TOOLS) $(SHIMS)

$(BUILD)/%.o: %.c | lib-versions
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Before anything is compiled: the installed libisofs and libburn are the pinned version.
lib-versions:
ifneq ($(ALLOW_UNTESTED_LIBS),1)
	@for p in $(PINNED_LIBS); do \
	  v=$$($(PKG_CONFIG) --modversion $$p 2>/dev/null) || { \
	    echo "$$p: not found by pkg-config (make deps installs it)" >&2; exit 1; }; \
	  $(PKG_CONFIG) --exact-version=$(PINNED_VERSION) $$p || { \
	    echo "$$p $$v is installed; this code was made and tested for $(PINNED_VERSION) and" \
	         "relies on its behaviour (common/base/libversion.c); to build anyway:" \
	         "make ALLOW_UNTESTED_LIBS=1" >&2; exit 1; }; \
	done
endif
	@$(PKG_CONFIG) --exists libjte-2 || { \
	  echo "libjte-2: not found by pkg-config (make deps installs libjte-dev)" >&2; exit 1; }

# The archive is refused if any of its objects calls the terminal, exit or the environment:
# those belong to the programs (STYLE: library vs program).
LIB_FORBIDDEN := printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|fputc|putc|perror|stdout|stderr|\
                 exit|_exit|abort|err|errx|warn|warnx|getenv|secure_getenv|img_cli_.*
$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
	@bad=$$(nm -u $@ | awk '{print $$NF}' | grep -xE '$(LIB_FORBIDDEN)' | sort -u | tr '\n' ' '); \
	if [ -n "$$bad" ]; then rm -f $@; \
	  echo "$@: the library must not use: $$bad(see STYLE: library vs program)" >&2; exit 1; fi

$(CLI_LIB): $(CLI_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

define prog_rule
$(BUILD)/bin/$(1): $$(patsubst %.c,$(BUILD)/%.o,$$(sort $$(wildcard $(1)/*.c))) $(CLI_LIB) $(LIB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

$(BUILD)/tests/check_%: tests/unit/check_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(shell $(PKG_CONFIG) --cflags check) \
	  -o $@ $< $(LIB) $(shell $(PKG_CONFIG) --libs check) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tools/%.so: tests/tools/preload/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=c11 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

deps:
	sh scripts/deps.sh $(DEPS_SET)

# check: install what the tests need, build (warnings are errors), unit tests,
# a short run of every fuzz target (make fuzz runs them longer), end-to-end tests, then the
# end-to-end tests again against an ASan+UBSan build.
check:
	sh scripts/deps.sh test
	$(MAKE) all
	$(MAKE) unit
	FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) FUZZ_SEED=$(CHECK_FUZZ_SEED) sh tests/fuzz/run.sh
	$(MAKE) e2e
	$(MAKE) e2e-asan

CHECK_FUZZ_SECONDS ?= 5
# A fixed seed: every machine's short run explores the same inputs (tests/fuzz/run.sh).
CHECK_FUZZ_SEED ?= 1

# Every suite runs, even after one failed; the summary names all that failed.
unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do echo "== $$t"; \
	  CK_FORK=yes $$t || failed="$$failed $${t##*/}"; done; \
	if [ -n "$$failed" ]; then echo "unit: failed:$$failed"; exit 1; fi; \
	echo "unit: all $(words $(UNIT_BIN)) suites passed"

# Every e2e test must run here (deps.sh test installed all they use): a skip fails, whatever
# E2E_ALLOW_SKIP the environment holds.
e2e: all
	E2E_ALLOW_SKIP= bash tests/e2e/run.sh $(abspath $(BUILD))/bin

e2e-asan:
	$(MAKE) BUILD=$(BUILD)/asan SANITIZE=1 all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp) \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99 E2E_SANITIZED=1 E2E_ALLOW_SKIP= \
	  bash tests/e2e/run.sh $(abspath $(BUILD))/asan/bin

demo:
	sh scripts/deps.sh demo
	$(MAKE) all
	sh scripts/demo.sh $(abspath $(BUILD))/bin

bench:
	sh scripts/deps.sh bench
	$(MAKE) all bench-tools
	sh tests/bench/run.sh $(abspath $(BUILD))/bin

# Tree generator and measuring driver of `make bench`: built only for it.
bench-tools: $(BUILD)/bench/gentree $(BUILD)/bench/isodrive $(BUILD)/bench/isolist
$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

fuzz:
	sh scripts/deps.sh fuzz
	sh tests/fuzz/run.sh

# mkimage answers to the names of the tools it replaces (mkimage(1), COMPATIBILITY): links in
# a directory of their own, off PATH, so the distribution's genisoimage and xorriso are not
# shadowed unless a user puts it first.  Relative links: the tree can be moved (DESTDIR).
COMPATDIR ?= $(PREFIX)/lib/mkimage/compat
COMPAT_NAMES := mkisofs genisoimage xorrisofs xorriso osirrox

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPATDIR)
	for p in $(PROGS); do \
	  install -m 0755 $(BUILD)/bin/$$p $(DESTDIR)$(BINDIR)/$$p; \
	  install -m 0644 $$p/$$p.1 $(DESTDIR)$(MANDIR)/man1/$$p.1; \
	done
	rel=$$(realpath -m --relative-to=$(COMPATDIR) $(BINDIR)/mkimage); \
	for n in $(COMPAT_NAMES); do ln -sfn "$$rel" $(DESTDIR)$(COMPATDIR)/$$n; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
