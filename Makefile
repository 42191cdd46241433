# moongrad: `make` builds, `make demo` runs the quickstart, `make test` runs every test,
# `make asan` runs them under AddressSanitizer and UndefinedBehaviorSanitizer.
BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
LUA_PC   := lua5.4
SANITIZE ?=

# No math function's errno is read anywhere; without that promise GCC cannot vectorise sqrt.
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter -fPIC -fno-math-errno \
               -Icore/include -Icore $(shell pkg-config --cflags $(LUA_PC) 2>/dev/null)
ifeq ($(SANITIZE),1)
CFLAGS_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else ifeq ($(SANITIZE),fuzz)
CFLAGS_OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all
else
# GCC 12's -O2 vectorises only loops that need no runtime alias check, which leaves the
# elementwise kernels scalar; the dynamic cost model makes a+b on cache-sized tensors 2x faster.
CFLAGS_OPT := -O2 -g -fvect-cost-model=dynamic
endif
CFLAGS  := $(CFLAGS_BASE) $(CFLAGS_OPT) $(EXTRA_CFLAGS)
LDLIBS  := -lsodium -lcjson -lsqlite3 -lstb -lz -lm -lpthread -ldl

CORE_SRC    := $(wildcard core/*.c)
BINDING_SRC := $(wildcard lua/binding/*.c)
CLI_SRC     := lua/cli/main.c
CORE_OBJ    := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
BINDING_OBJ := $(BINDING_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
CTEST_SRC   := $(wildcard tests/c/test_*.c)
CTEST_BIN   := $(CTEST_SRC:tests/c/%.c=$(BUILD)/tests/%)

LIB     := $(BUILD)/libmoongrad.a
MODULE  := $(BUILD)/lib/lua/5.4/moongrad/core.so
EXE     := $(BUILD)/moongrad
DEPS_OK := $(BUILD)/.deps-ok

.PHONY: all demo test asan fuzz install clean bench
all: $(LIB) $(MODULE) $(EXE) $(CTEST_BIN)

# Installs what Debian packages are missing (see scripts/install-deps.sh) once per build dir.
$(DEPS_OK):
	@scripts/install-deps.sh --check >/dev/null 2>&1 || scripts/install-deps.sh
	@mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c Makefile | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(LUA_PC)) -MMD -MP -c $< -o $@

$(LIB): $(CORE_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

# The module leaves Lua's symbols to the host interpreter that loads it.
$(MODULE): $(BINDING_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -o $@ $(BINDING_OBJ) $(LIB) $(LDLIBS)

$(EXE): $(CLI_OBJ) $(BINDING_OBJ) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BINDING_OBJ) $(LIB) \
	  $(shell pkg-config --libs $(LUA_PC)) -lreadline $(LDLIBS) -Wl,-E

$(BUILD)/tests/%: tests/c/%.c $(wildcard tests/c/*.h) $(LIB) | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(shell pkg-config --libs cmocka) $(LDLIBS)

demo: all
	$(EXE) examples/quickstart.lua

# Outside the sanitizer build, the suite also installs into a temporary prefix and loads
# moongrad from a stock lua5.4.
test: all
	@scripts/run-tests.sh $(BUILD) $(if $(filter 1,$(SANITIZE)),,--install)

# A failed allocation must come back as an error (moongrad reports it), not abort in ASan.
asan:
	@ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  MOONGRAD_SANITIZED=1 \
	  $(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 test

# libFuzzer (clang) on the CSV reader for FUZZ_SECONDS, from the seeds in tests/fuzz/corpus;
# what it finds new goes to a scratch corpus, a crash to build-fuzz/crash-*.
FUZZ_SECONDS ?= 60
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz SANITIZE=fuzz CC=clang build-fuzz/fuzz_csv
	@mkdir -p build-fuzz/corpus && cp tests/fuzz/corpus/csv/* build-fuzz/corpus/
	cd build-fuzz && ASAN_OPTIONS=allocator_may_return_null=1 ./fuzz_csv -max_total_time=$(FUZZ_SECONDS) \
	  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus

$(BUILD)/fuzz_csv: tests/fuzz/fuzz_csv.c $(LIB) | $(DEPS_OK)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

bench: all
	@scripts/bench.sh $(BUILD)

install: $(MODULE) $(EXE)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/lua/5.4/moongrad \
	  $(DESTDIR)$(PREFIX)/share/lua/5.4/moongrad
	install -m 755 $(EXE) $(DESTDIR)$(PREFIX)/bin/moongrad
	install -m 755 $(MODULE) $(DESTDIR)$(PREFIX)/lib/lua/5.4/moongrad/core.so
	for f in $$(cd lua && find moongrad -name '*.lua'); do \
	  install -D -m 644 lua/$$f $(DESTDIR)$(PREFIX)/share/lua/5.4/$$f; done

clean:
	rm -rf build build-asan build-fuzz

-include $(CORE_OBJ:.o=.d) $(BINDING_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
