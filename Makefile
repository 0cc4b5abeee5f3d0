# Top-level build. `make run` builds and runs the demo, `make check` runs
# every test (host, QEMU SVM machine, Bochs VMX machine). See README.md.
CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Werror -std=gnu11 -fno-omit-frame-pointer -D_GNU_SOURCE
B := build

LIBDUNE_SRCS := $(wildcard libdune/*.c)
LIBDUNE_ASM := $(wildcard libdune/*.S)
LIBDUNE_OBJS := $(patsubst libdune/%.c,$(B)/libdune/%.o,$(LIBDUNE_SRCS)) \
		$(patsubst libdune/%.S,$(B)/libdune/%.o,$(LIBDUNE_ASM))
LIBDUNE_STATIC_OBJS := $(patsubst $(B)/libdune/%,$(B)/static/libdune/%,$(LIBDUNE_OBJS))

.PHONY: all
all: $(B)/libdune.a tests apps

$(B)/libdune/%.o: libdune/%.c libdune/*.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# ring 0 on FPU-less hosts runs this file: integer code only
$(B)/libdune/ring0_emul.o: CFLAGS += -mgeneral-regs-only -fno-tree-loop-distribute-patterns

$(B)/libdune/%.o: libdune/%.S libdune/percpu.h
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@

$(B)/libdune.a: $(LIBDUNE_OBJS)
	rm -f $@ && ar rcs $@ $^

include tests/tests.mk
-include apps/apps.mk
