# cocloud build. `make` builds build/cocloud; `make run` installs what is
# missing, builds and starts the demo; `make test` runs every test, under
# AddressSanitizer and UBSan.

VERSION   := 0.1.0
CC        ?= cc
PKGS      := libmicrohttpd jansson sqlite3 libsodium libpq
CFLAGS    ?= -O2 -g
WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers -Wno-format-truncation
CPPFLAGS  := -D_DEFAULT_SOURCE -D_GNU_SOURCE -DCOCLOUD_VERSION='"$(VERSION)"' -Isrc -MMD -MP
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS    := -lpthread -lm
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

SRC       := $(shell find src -name '*.c' | sort)
MAIN      := src/cli/main.c
LIB_SRC   := $(filter-out $(MAIN),$(SRC))
MIGRATIONS:= $(sort $(wildcard src/db/migrations/*.sql))
WEB       := $(shell find web -type f 2>/dev/null | sort)
UNIT_SRC  := $(shell find tests/unit -name '*.c' 2>/dev/null | sort)

GEN       := build/gen/embedded.c
OBJ       := $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/embedded.o
ASAN_OBJ  := $(patsubst %.c,build/asan/%.o,$(LIB_SRC)) build/asan/gen/embedded.o
UNIT_OBJ  := $(patsubst %.c,build/asan/%.o,$(UNIT_SRC))
UNIT_PLAIN:= $(patsubst %.c,build/obj/%.o,$(UNIT_SRC))

.PHONY: all run test unit api ui deps deps-test clean lint test-all
all: build/cocloud

build/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	@echo "  CC      $<"; $(CC) -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

$(GEN): build/tools/embed $(MIGRATIONS) src/api/openapi.json $(WEB)
	@mkdir -p $(@D)
	@echo "  EMBED   $@"; build/tools/embed $@ embed_migrations src/db/migrations/ $(MIGRATIONS) -- \
	  embed_openapi src/api/ src/api/openapi.json -- embed_web web/ $(WEB) --

COMPILE    = $(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(PKG_CFLAGS)
COMPILE_SAN= $(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) $(PKG_CFLAGS)

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"; $(COMPILE) -c -o $@ $<
build/asan/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC+SAN  $<"; $(COMPILE_SAN) -c -o $@ $<
build/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"; $(COMPILE) -c -o $@ $<
build/asan/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC+SAN  $<"; $(COMPILE_SAN) -c -o $@ $<

build/cocloud: $(OBJ) build/obj/$(MAIN:.c=.o)
	@echo "  LD      $@"; $(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)
build/asan/cocloud: $(ASAN_OBJ) build/asan/$(MAIN:.c=.o)
	@echo "  LD      $@"; $(CC) $(SAN) -o $@ $^ $(PKG_LIBS) $(LDLIBS)
build/unit-tests: $(OBJ) $(UNIT_PLAIN)
	@echo "  LD      $@"; $(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lcriterion $(LDLIBS)
build/asan/unit-tests: $(ASAN_OBJ) $(UNIT_OBJ)
	@echo "  LD      $@"; $(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lcriterion $(LDLIBS)

deps:
	@scripts/install-deps.sh run
deps-test:
	@scripts/install-deps.sh test

run: deps
	@$(MAKE) --no-print-directory build/cocloud
	./build/cocloud demo

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Unit tests plain and sanitized, then the API and browser suites on both
# builds and both engines (tests/run.sh).
test: deps-test
	@$(MAKE) --no-print-directory test-all
test-all: build/cocloud build/asan/cocloud build/unit-tests build/asan/unit-tests \
          node_modules/.package-lock.json
	build/unit-tests --jobs 2
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit-tests --jobs 2
	tests/run.sh

unit: build/asan/unit-tests
	build/asan/unit-tests
api: build/asan/cocloud
	COCLOUD_BIN=$(CURDIR)/build/asan/cocloud node --test tests/api/

# Benchmarks (bench/README.md): speed goals, each against a baseline in the same run.
.PHONY: bench
bench: build/cocloud build/bench/bench_quote build/bench/mhd_floor
	bench/run.sh
build/bench/bench_quote: build/obj/bench/bench_quote.o $(OBJ)
	@mkdir -p $(@D)
	@echo "  LD      $@"; $(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)
build/bench/mhd_floor: build/obj/bench/mhd_floor.o
	@mkdir -p $(@D)
	@echo "  LD      $@"; $(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 -Isrc src

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
