// SPDX-License-Identifier: GPL-2.0
/*
 * The workloads' own figures, run on the host against stand-ins for their
 * devices: a scratch directory for io, a regular file for /dev/cpu/0/msr and
 * /dev/port (pread/pwrite at the same offsets), a variable for the IOAPIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "disk.h"
#include "mmio.h"
#include "msr.h"
#include "pio.h"
#include "workloads.h"

/* On the worktree's own filesystem: /tmp may be a tmpfs without O_DIRECT. */
static char scratch_dir[] = "build/tests/scratch-XXXXXX";
static char scratch[sizeof(scratch_dir) + 16];

static int scratch_make(void **state)
{
	(void)state;
	strcpy(scratch_dir, "build/tests/scratch-XXXXXX");
	if (!mkdtemp(scratch_dir))
		return -1;
	snprintf(scratch, sizeof(scratch), "%s/io", scratch_dir);
	return 0;
}

static int scratch_remove(void **state)
{
	(void)state;
	unlink(scratch);
	return rmdir(scratch_dir);
}

static char *figures_text(json_t *figures)
{
	char *text = json_dumps(figures, JSON_SORT_KEYS | JSON_COMPACT);

	json_decref(figures);
	return text;
}

/* A stand-in device: a file of @size zero bytes, open read-write. */
static int stand_in(size_t size)
{
	char path[] = "/tmp/exitscope-test-workloads-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

/* The disk part set up for real; --pio's port is a stand-in, given after setup. */
static json_t *io_run(bool buffered, unsigned long mib, unsigned long pio)
{
	const struct workload_args args = { mib, scratch, 0 };
	struct workload_ctx ctx;
	struct disk_state *d;
	json_t *figures = json_object();

	assert_int_equal(workload_ctx_init(&ctx, &workload_io, &args), 0);
	d = ctx.state;
	d->buffered = buffered;
	assert_int_equal(workload_setup(&ctx), 0);
	/* The name is gone before the window: nothing is left behind. */
	assert_int_equal(access(scratch, F_OK), -1);
	ctx.args.pio = pio;
	if (pio)
		d->port.fd = stand_in(0x100);
	assert_int_equal(workload_run(NULL, &ctx, figures), 0);
	workload_release(&ctx);
	return figures;
}

static void test_io_writes_and_reads_back(void **state)
{
	json_t *figures = io_run(false, 3, 0);

	(void)state;
	assert_int_equal(json_integer_value(json_object_get(figures, "bytes_written")), 3 << 20);
	assert_int_equal(json_integer_value(json_object_get(figures, "bytes_read")), 3 << 20);
	/* One call per 1 MiB chunk each way: a local filesystem does not split them. */
	assert_int_equal(json_integer_value(json_object_get(figures, "operations")), 6);
	assert_true(json_is_true(json_object_get(figures, "verified")));
	/* ext4 and xfs take O_DIRECT; what matters is that the figure is there. */
	assert_true(json_is_boolean(json_object_get(figures, "direct")));
	json_decref(figures);
}

static void test_io_figures_without_o_direct(void **state)
{
	char *text = figures_text(io_run(true, 2, 5));

	(void)state;
	assert_string_equal(text, "{\"bytes_read\":2097152,\"bytes_written\":2097152,"
				  "\"direct\":false,\"operations\":4,\"outb\":5,\"verified\":true}");
	free(text);
}

static void test_io_never_overwrites_a_file(void **state)
{
	const struct workload_args args = { 1, scratch, 0 };
	struct workload_ctx ctx;
	struct stat st;
	int fd = open(scratch, O_WRONLY | O_CREAT | O_EXCL, 0600);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "mine", 4), 4);
	close(fd);
	assert_int_equal(workload_ctx_init(&ctx, &workload_io, &args), 0);
	assert_int_equal(workload_setup(&ctx), -EEXIST);
	assert_string_equal(ctx.what, scratch);
	workload_release(&ctx);
	assert_int_equal(stat(scratch, &st), 0);
	assert_int_equal(st.st_size, 4);
}

static void test_io_wants_room_for_all_of_it(void **state)
{
	const struct workload_args args = { 1UL << 20, scratch, 0 };
	struct workload_ctx ctx;
	struct statvfs fs;

	(void)state;
	assert_int_equal(statvfs(scratch_dir, &fs), 0);
	if ((uint64_t)fs.f_bavail * fs.f_frsize >= (1ULL << 40))
		skip();
	assert_int_equal(workload_ctx_init(&ctx, &workload_io, &args), 0);
	assert_int_equal(workload_setup(&ctx), -ENOSPC);
	workload_release(&ctx);
	assert_int_equal(access(scratch, F_OK), -1);
}

static void test_msr_figures(void **state)
{
	const struct workload_args args = { 1000, NULL, 0 };
	struct workload_ctx ctx;
	json_t *figures = json_object();
	char *text;

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, &workload_msr, &args), 0);
	((struct msr_state *)ctx.state)->fd = stand_in(0x1b + 8);
	assert_int_equal(workload_run(NULL, &ctx, figures), 0);
	workload_release(&ctx);
	text = figures_text(figures);
	assert_string_equal(text, "{\"device\":\"/dev/cpu/0/msr\",\"iterations\":1000,"
				  "\"msr\":27,\"msr_name\":\"IA32_APIC_BASE\"}");
	free(text);
}

static void test_msr_read_that_fails_is_an_error(void **state)
{
	const struct workload_args args = { 1, NULL, 0 };
	struct workload_ctx ctx;
	json_t *figures = json_object();

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, &workload_msr, &args), 0);
	/* RDMSR that faults: the msr driver says EIO; a short read here */
	((struct msr_state *)ctx.state)->fd = stand_in(0);
	assert_int_equal(workload_run(NULL, &ctx, figures), -EIO);
	workload_release(&ctx);
	json_decref(figures);
}

/* Without the msr module: ENOENT, naming the device; and the affinity comes back. */
static void test_msr_without_the_module(void **state)
{
	const struct workload_args args = { 1, NULL, 0 };
	struct workload_ctx ctx;
	cpu_set_t before, after;

	(void)state;
	if (access("/dev/cpu/0/msr", F_OK) == 0)
		skip();
	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	assert_int_equal(workload_ctx_init(&ctx, &workload_msr, &args), 0);
	assert_int_equal(workload_setup(&ctx), -ENOENT);
	assert_string_equal(ctx.what, "/dev/cpu/0/msr");
	assert_non_null(strstr(workload_find("msr")->hint, "modprobe msr"));
	workload_release(&ctx);
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
}

static void test_mmio_figures(void **state)
{
	static const volatile uint32_t ioregsel = 0x10;
	const struct workload_args args = { 500, NULL, 0 };
	struct workload_ctx ctx;
	json_t *figures = json_object();
	char *text;

	(void)state;
	assert_int_equal(workload_ctx_init(&ctx, &workload_mmio, &args), 0);
	((struct mmio_state *)ctx.state)->reg = &ioregsel;
	assert_int_equal(workload_run(NULL, &ctx, figures), 0);
	workload_release(&ctx);
	text = figures_text(figures);
	assert_string_equal(text, "{\"address\":4273995776,\"iterations\":500,"
				  "\"register\":\"IOAPIC IOREGSEL\"}");
	free(text);
}

static void test_mmio_reads_only_an_ioapic(void **state)
{
	static const char iomem[] =
		"00000000-00000fff : Reserved\n"
		"fec00000-fec003ff : IOAPIC 0\n"
		"fed00000-fed003ff : HPET 0\n";
	static const char hidden[] = "00000000-00000000 : IOAPIC 0\n";
	static const char nested[] = "fe000000-ffffffff : Reserved\n  fec00000-fec003ff : IOAPIC 0\n";
	FILE *f;

	(void)state;
	f = fmemopen((void *)iomem, sizeof(iomem) - 1, "r");
	assert_int_equal(mmio_iomem_check(f, 0xfec00000UL, "IOAPIC"), 0);
	fclose(f);
	f = fmemopen((void *)iomem, sizeof(iomem) - 1, "r");
	assert_int_equal(mmio_iomem_check(f, 0xfed00000UL, "IOAPIC"), -ENODEV);
	fclose(f);
	/* What an unprivileged reader sees. */
	f = fmemopen((void *)hidden, sizeof(hidden) - 1, "r");
	assert_int_equal(mmio_iomem_check(f, 0xfec00000UL, "IOAPIC"), -ENODEV);
	fclose(f);
	f = fmemopen((void *)nested, sizeof(nested) - 1, "r");
	assert_int_equal(mmio_iomem_check(f, 0xfec00000UL, "IOAPIC"), 0);
	fclose(f);
}

static void test_pio_writes_port_0x80(void **state)
{
	struct pio port = { stand_in(0x100) };
	unsigned char value = 0;

	(void)state;
	assert_int_equal(pio_writes(&port, 3), 0);
	assert_int_equal(pread(port.fd, &value, 1, 0x80), 1);
	assert_int_equal(value, 2);	/* the last of 0, 1, 2 */
	pio_close(&port);
	assert_int_equal(port.fd, -1);
}

static void test_every_workload_is_listed(void **state)
{
	static const char *const names[] = { "cpuid", "idle", "pio", "io", "msr", "mmio" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct workload *w = workload_find(names[i]);

		assert_non_null(w);
		assert_true(w->min <= w->fallback && w->fallback <= w->max);
		assert_true(!w->setup || w->hint);
		/* A workload that allocates its state also frees it. */
		assert_true(!w->state_new == !w->state_free);
	}
	assert_null(workload_find("boot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_io_writes_and_reads_back, scratch_make,
						scratch_remove),
		cmocka_unit_test_setup_teardown(test_io_figures_without_o_direct, scratch_make,
						scratch_remove),
		cmocka_unit_test_setup_teardown(test_io_never_overwrites_a_file, scratch_make,
						scratch_remove),
		cmocka_unit_test_setup_teardown(test_io_wants_room_for_all_of_it, scratch_make,
						scratch_remove),
		cmocka_unit_test(test_msr_figures),
		cmocka_unit_test(test_msr_read_that_fails_is_an_error),
		cmocka_unit_test(test_msr_without_the_module),
		cmocka_unit_test(test_mmio_figures),
		cmocka_unit_test(test_mmio_reads_only_an_ioapic),
		cmocka_unit_test(test_pio_writes_port_0x80),
		cmocka_unit_test(test_every_workload_is_listed),
	};

	return cmocka_run_group_tests_name("workloads", tests, NULL, NULL);
}
