// SPDX-License-Identifier: GPL-2.0
/*
 * mem_sampling test provider: records written by root to
 * /sys/kernel/debug/mem_sampling/inject enter the core exactly as a PMU
 * driver's would, so the core, its consumers and the user interfaces can
 * be tested deterministically on any machine.  A test facility: it samples
 * nothing by itself.
 *
 * One line is one record (or @count identical ones), key=value pairs
 * separated by blanks, in any order, each key at most once:
 *
 *	pid=123 vaddr=0xffff0000 paddr=0x40001000 pc=0x400500 op=load
 *	latency=100 data_source=0x0 events=0x2 count=1 truncated=0
 *
 * pid (default: the writer) is the task the records are attributed to;
 * op is load, store, branch or other (default other); latency is the total
 * latency in cycles; numbers are decimal or 0x-prefixed hex.  A field given
 * sets its MEM_SAMPLING_RECORD_*_VALID flag.  Blank lines and lines
 * starting with '#' are ignored.  Any malformed line fails the whole write
 * with -EINVAL before anything is injected; an unknown pid gives -ESRCH.
 *
 * Attribution: for each line the provider makes the line's task the
 * target of the writer's CPU through mem_sampling_switch_target(), the
 * same drain-dispatch-start step a context switch to that task performs,
 * adds the records, flushes (as a PMU interrupt would) and switches back.
 * If that task is not sampled (sampling off, its process opted out, a
 * kernel thread) the core does not start the provider for it and, as with
 * a stopped PMU, nothing is recorded.  The tunables apply as hardware
 * filters would: min_latency, op_filter, event_filter and paddr; one
 * flush ("interrupt") carries at most buffer_size bytes of records.
 *
 * /sys/kernel/debug/mem_sampling/active reads 1 while this provider is
 * registered.  Writing 1 registers it, setting aside a provider already
 * registered (a real PMU driver) until 0 is written.  .../stats counts the
 * calls of each op since boot, so tests can watch the context switch path
 * start, retarget, stop and drain the provider.
 */

#define pr_fmt(fmt) "mem_sampling_test: " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mem_sampling_internal.h"

/* Bounds of one write: keeps parsing and interrupts-off time short. */
#define MEM_SAMPLING_TEST_INJECT_MAX_BYTES	(64 * 1024)
#define MEM_SAMPLING_TEST_INJECT_MAX_COUNT	4096

struct mem_sampling_test_line {
	pid_t pid;
	unsigned int count;
	bool truncated;
	struct mem_sampling_record record;
};

static DEFINE_MUTEX(mem_sampling_test_lock);
static bool mem_sampling_test_registered;
static DEFINE_SPINLOCK(mem_sampling_test_config_lock);
static struct mem_sampling_config mem_sampling_test_config;
/* Started for a task on this CPU (the "PMU" is running). */
static DEFINE_PER_CPU(bool, mem_sampling_test_armed);
/* Calls of each op, in debugfs: the core's context switch path at work. */
static atomic_long_t mem_sampling_test_configures, mem_sampling_test_starts;
static atomic_long_t mem_sampling_test_stops, mem_sampling_test_drains;

static int mem_sampling_test_configure(const struct mem_sampling_config *cfg)
{
	spin_lock(&mem_sampling_test_config_lock);
	mem_sampling_test_config = *cfg;
	spin_unlock(&mem_sampling_test_config_lock);
	atomic_long_inc(&mem_sampling_test_configures);
	return 0;
}

static void mem_sampling_test_start(struct task_struct *task)
{
	this_cpu_write(mem_sampling_test_armed, true);
	atomic_long_inc(&mem_sampling_test_starts);
}

static void mem_sampling_test_stop(void)
{
	this_cpu_write(mem_sampling_test_armed, false);
	atomic_long_inc(&mem_sampling_test_stops);
}

/* Records go to the core as they are injected: nothing stays buffered. */
static void mem_sampling_test_drain(void)
{
	atomic_long_inc(&mem_sampling_test_drains);
}

static const struct mem_sampling_provider_ops mem_sampling_test_ops = {
	.configure	= mem_sampling_test_configure,
	.start		= mem_sampling_test_start,
	.stop		= mem_sampling_test_stop,
	.drain		= mem_sampling_test_drain,
};

static struct mem_sampling_provider mem_sampling_test_provider = {
	.name	= "test",
	.ops	= &mem_sampling_test_ops,
	.caps	= {
		.flags			= MEM_SAMPLING_CAP_PADDR |
					  MEM_SAMPLING_CAP_LATENCY |
					  MEM_SAMPLING_CAP_DATA_SOURCE |
					  MEM_SAMPLING_CAP_FILTER_OP,
		.min_interval		= 1,
		.max_interval		= 1 << 24,
		.max_latency_filter	= 4095,
		.filter_events		= MEM_SAMPLING_EVENT_ALL,
		.min_buffer_size	= 4096,
		.max_buffer_size	= 1 << 20,
	},
};

/* ------------------------------------------------------------- parsing */

static int mem_sampling_test_parse_op(const char *value, u8 *op)
{
	static const char * const names[] = {
		[MEM_SAMPLING_OP_OTHER]		= "other",
		[MEM_SAMPLING_OP_LOAD]		= "load",
		[MEM_SAMPLING_OP_STORE]		= "store",
		[MEM_SAMPLING_OP_BRANCH]	= "branch",
	};
	int index = match_string(names, ARRAY_SIZE(names), value);

	if (index < 0)
		return -EINVAL;
	*op = index;
	return 0;
}

static int mem_sampling_test_parse_u16(const char *value, u16 *result)
{
	return kstrtou16(value, 0, result);
}

/* 0 or 1: kstrtobool() would also take "yes" or "1x". */
static int mem_sampling_test_parse_flag(const char *value, bool *result)
{
	unsigned int flag;

	if (kstrtouint(value, 10, &flag) || flag > 1)
		return -EINVAL;
	*result = flag;
	return 0;
}

/* The keys of an inject line, each at most once per line. */
enum mem_sampling_test_key {
	MEM_SAMPLING_TEST_KEY_PID,
	MEM_SAMPLING_TEST_KEY_VADDR,
	MEM_SAMPLING_TEST_KEY_PADDR,
	MEM_SAMPLING_TEST_KEY_PC,
	MEM_SAMPLING_TEST_KEY_OP,
	MEM_SAMPLING_TEST_KEY_LATENCY,
	MEM_SAMPLING_TEST_KEY_DATA_SOURCE,
	MEM_SAMPLING_TEST_KEY_EVENTS,
	MEM_SAMPLING_TEST_KEY_COUNT,
	MEM_SAMPLING_TEST_KEY_TRUNCATED,
	MEM_SAMPLING_TEST_NR_KEYS,
};

static const char * const mem_sampling_test_keys[MEM_SAMPLING_TEST_NR_KEYS] = {
	[MEM_SAMPLING_TEST_KEY_PID]		= "pid",
	[MEM_SAMPLING_TEST_KEY_VADDR]		= "vaddr",
	[MEM_SAMPLING_TEST_KEY_PADDR]		= "paddr",
	[MEM_SAMPLING_TEST_KEY_PC]		= "pc",
	[MEM_SAMPLING_TEST_KEY_OP]		= "op",
	[MEM_SAMPLING_TEST_KEY_LATENCY]		= "latency",
	[MEM_SAMPLING_TEST_KEY_DATA_SOURCE]	= "data_source",
	[MEM_SAMPLING_TEST_KEY_EVENTS]		= "events",
	[MEM_SAMPLING_TEST_KEY_COUNT]		= "count",
	[MEM_SAMPLING_TEST_KEY_TRUNCATED]	= "truncated",
};

/* Set @key of @parsed from @value. */
static int mem_sampling_test_parse_key(enum mem_sampling_test_key key,
				       const char *value,
				       struct mem_sampling_test_line *parsed)
{
	struct mem_sampling_record *record = &parsed->record;
	int err;

	switch (key) {
	case MEM_SAMPLING_TEST_KEY_PID:
		err = kstrtoint(value, 0, &parsed->pid);
		if (!err && parsed->pid < 0)
			err = -EINVAL;
		break;
	case MEM_SAMPLING_TEST_KEY_VADDR:
		err = kstrtou64(value, 0, &record->vaddr);
		record->flags |= MEM_SAMPLING_RECORD_VADDR_VALID;
		break;
	case MEM_SAMPLING_TEST_KEY_PADDR:
		err = kstrtou64(value, 0, &record->paddr);
		record->flags |= MEM_SAMPLING_RECORD_PADDR_VALID;
		break;
	case MEM_SAMPLING_TEST_KEY_PC:
		err = kstrtou64(value, 0, &record->pc);
		record->flags |= MEM_SAMPLING_RECORD_PC_VALID;
		break;
	case MEM_SAMPLING_TEST_KEY_OP:
		err = mem_sampling_test_parse_op(value, &record->op);
		break;
	case MEM_SAMPLING_TEST_KEY_LATENCY:
		err = mem_sampling_test_parse_u16(value, &record->total_latency);
		record->flags |= MEM_SAMPLING_RECORD_TOTAL_LAT_VALID;
		break;
	case MEM_SAMPLING_TEST_KEY_DATA_SOURCE:
		err = mem_sampling_test_parse_u16(value, &record->data_source);
		record->flags |= MEM_SAMPLING_RECORD_DATA_SOURCE_VALID;
		break;
	case MEM_SAMPLING_TEST_KEY_EVENTS:
		err = kstrtou32(value, 0, &record->events);
		break;
	case MEM_SAMPLING_TEST_KEY_COUNT:
		err = kstrtouint(value, 0, &parsed->count);
		if (!err && (!parsed->count ||
			     parsed->count > MEM_SAMPLING_TEST_INJECT_MAX_COUNT))
			err = -EINVAL;
		break;
	case MEM_SAMPLING_TEST_KEY_TRUNCATED:
		err = mem_sampling_test_parse_flag(value, &parsed->truncated);
		if (parsed->truncated)
			record->flags |= MEM_SAMPLING_RECORD_TRUNCATED;
		break;
	default:
		err = -EINVAL;
		break;
	}
	return err ? -EINVAL : 0;
}

/* Parse one non-empty line (NUL-terminated, modified in place). */
static int mem_sampling_test_parse_line(char *line,
					struct mem_sampling_test_line *parsed)
{
	unsigned long seen = 0;
	char *token;
	int key;

	memset(parsed, 0, sizeof(*parsed));
	parsed->count = 1;
	while ((token = strsep(&line, " \t")) != NULL) {
		char *value;

		if (!*token)
			continue;
		value = strchr(token, '=');
		if (!value || value == token || !value[1])
			return -EINVAL;
		*value++ = '\0';
		key = match_string(mem_sampling_test_keys,
				   ARRAY_SIZE(mem_sampling_test_keys), token);
		if (key < 0 || (seen & BIT(key)))
			return -EINVAL;
		seen |= BIT(key);
		if (mem_sampling_test_parse_key(key, value, parsed))
			return -EINVAL;
	}
	return 0;
}

/* Parse @text into @lines; returns how many, or -EINVAL. */
static int mem_sampling_test_parse(char *text,
				   struct mem_sampling_test_line *lines,
				   int max_lines)
{
	unsigned int total = 0;
	char *line;
	int nr = 0, err;

	while ((line = strsep(&text, "\n")) != NULL) {
		line = strim(line);
		if (!*line || *line == '#')
			continue;
		if (nr == max_lines)
			return -EINVAL;
		err = mem_sampling_test_parse_line(line, &lines[nr]);
		if (err)
			return err;
		total += lines[nr].count;
		if (total > MEM_SAMPLING_TEST_INJECT_MAX_COUNT)
			return -EINVAL;
		nr++;
	}
	return nr;
}

/* ----------------------------------------------------------- injection */

/* What the "hardware" filters let through, under the current config. */
static bool mem_sampling_test_filter(struct mem_sampling_record *record,
				     const struct mem_sampling_config *cfg)
{
	if (cfg->min_latency &&
	    (!(record->flags & MEM_SAMPLING_RECORD_TOTAL_LAT_VALID) ||
	     record->total_latency < cfg->min_latency))
		return false;
	if ((cfg->op_filter & MEM_SAMPLING_FILTER_LOAD) &&
	    !(cfg->op_filter & MEM_SAMPLING_FILTER_STORE) &&
	    record->op != MEM_SAMPLING_OP_LOAD)
		return false;
	if ((cfg->op_filter & MEM_SAMPLING_FILTER_STORE) &&
	    !(cfg->op_filter & MEM_SAMPLING_FILTER_LOAD) &&
	    record->op != MEM_SAMPLING_OP_STORE)
		return false;
	if (cfg->op_filter == (MEM_SAMPLING_FILTER_LOAD |
			       MEM_SAMPLING_FILTER_STORE) &&
	    record->op != MEM_SAMPLING_OP_LOAD &&
	    record->op != MEM_SAMPLING_OP_STORE)
		return false;
	if ((record->events & cfg->event_filter) != cfg->event_filter)
		return false;
	if (!cfg->paddr) {
		record->paddr = 0;
		record->flags &= ~MEM_SAMPLING_RECORD_PADDR_VALID;
	}
	return true;
}

/*
 * Feed @nr copies of @line's record for @task through the provider path:
 * one "interrupt" per buffer_size bytes of records.
 */
static void
mem_sampling_test_inject_line(struct task_struct *task,
			      const struct mem_sampling_test_line *line)
{
	unsigned int per_interrupt, left = line->count;
	struct mem_sampling_record record = line->record;
	struct mem_sampling_config cfg;

	spin_lock(&mem_sampling_test_config_lock);
	cfg = mem_sampling_test_config;
	spin_unlock(&mem_sampling_test_config_lock);
	per_interrupt = max_t(unsigned int, 1,
			      cfg.buffer_size / sizeof(record));
	if (!mem_sampling_test_filter(&record, &cfg))
		return;
	while (left) {
		unsigned int chunk = min(left, per_interrupt), i;
		struct task_struct *previous;
		unsigned long flags;

		local_irq_save(flags);
		previous = mem_sampling_switch_target(task);
		if (this_cpu_read(mem_sampling_test_armed)) {
			for (i = 0; i < chunk; i++)
				mem_sampling_records_add(&record, 1);
			if (line->truncated)
				mem_sampling_count_lost(chunk, 0);
			mem_sampling_records_flush();
		}
		mem_sampling_switch_target(previous);
		local_irq_restore(flags);
		left -= chunk;
		cond_resched();
	}
}

static ssize_t mem_sampling_test_inject_write(struct file *file,
					      const char __user *ubuf,
					      size_t count, loff_t *ppos)
{
	struct task_struct **tasks = NULL;
	struct mem_sampling_test_line *lines = NULL;
	int nr, i, max_lines;
	char *text;
	ssize_t ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!count || count > MEM_SAMPLING_TEST_INJECT_MAX_BYTES)
		return -EINVAL;
	text = memdup_user_nul(ubuf, count);
	if (IS_ERR(text))
		return PTR_ERR(text);
	/* A NUL would end the text early and the rest go unread. */
	if (strlen(text) != count) {
		ret = -EINVAL;
		goto out;
	}
	/* A record line needs at least "a=b\n". */
	max_lines = count / 4 + 1;
	lines = kvcalloc(max_lines, sizeof(*lines), GFP_KERNEL);
	if (!lines) {
		ret = -ENOMEM;
		goto out;
	}
	nr = mem_sampling_test_parse(text, lines, max_lines);
	if (nr < 0) {
		ret = nr;
		goto out;
	}
	tasks = kvcalloc(nr + 1, sizeof(*tasks), GFP_KERNEL);
	if (!tasks) {
		ret = -ENOMEM;
		goto out;
	}
	/* Resolve every pid before injecting anything. */
	for (i = 0; i < nr; i++) {
		if (lines[i].pid) {
			tasks[i] = find_get_task_by_vpid(lines[i].pid);
		} else {
			tasks[i] = current;
			get_task_struct(current);
		}
		if (!tasks[i]) {
			ret = -ESRCH;
			goto out;
		}
	}
	mutex_lock(&mem_sampling_test_lock);
	/* Never start another provider for the line's task. */
	if (!mem_sampling_test_registered) {
		mutex_unlock(&mem_sampling_test_lock);
		ret = -ENODEV;
		goto out;
	}
	for (i = 0; i < nr; i++) {
		/* Pin the mm the core reads the process's mode from. */
		struct mm_struct *mm = get_task_mm(tasks[i]);

		if (!mm)
			continue;
		mem_sampling_test_inject_line(tasks[i], &lines[i]);
		mmput(mm);
	}
	mutex_unlock(&mem_sampling_test_lock);
	ret = count;
out:
	if (tasks)
		for (i = 0; tasks[i]; i++)
			put_task_struct(tasks[i]);
	kvfree(tasks);
	kvfree(lines);
	kfree(text);
	return ret;
}

static const struct file_operations mem_sampling_test_inject_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= mem_sampling_test_inject_write,
	.llseek	= noop_llseek,
};

/* ------------------------------------------------------- registration */

static int mem_sampling_test_set_active(bool active)
{
	int err = 0;

	mutex_lock(&mem_sampling_test_lock);
	if (active && !mem_sampling_test_registered) {
		err = mem_sampling_override_provider(&mem_sampling_test_provider);
		mem_sampling_test_registered = !err;
	} else if (!active && mem_sampling_test_registered) {
		mem_sampling_unregister_provider(&mem_sampling_test_provider);
		mem_sampling_test_registered = false;
	}
	mutex_unlock(&mem_sampling_test_lock);
	return err;
}

static ssize_t mem_sampling_test_active_read(struct file *file,
					     char __user *ubuf,
					     size_t count, loff_t *ppos)
{
	char text[4];
	int len;

	len = scnprintf(text, sizeof(text), "%d\n",
			READ_ONCE(mem_sampling_test_registered));
	return simple_read_from_buffer(ubuf, count, ppos, text, len);
}

/* "0" or "1", a newline at most after it; anything else is -EINVAL. */
static ssize_t mem_sampling_test_active_write(struct file *file,
					      const char __user *ubuf,
					      size_t count, loff_t *ppos)
{
	char text[8] = {};
	unsigned int value;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!count || count >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, ubuf, count))
		return -EFAULT;
	if (strlen(text) != count || kstrtouint(text, 10, &value) || value > 1)
		return -EINVAL;
	err = mem_sampling_test_set_active(value);
	return err ? err : count;
}

static const struct file_operations mem_sampling_test_active_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= mem_sampling_test_active_read,
	.write	= mem_sampling_test_active_write,
	.llseek	= default_llseek,
};

static int mem_sampling_test_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "configures %ld\nstarts %ld\nstops %ld\ndrains %ld\n",
		   atomic_long_read(&mem_sampling_test_configures),
		   atomic_long_read(&mem_sampling_test_starts),
		   atomic_long_read(&mem_sampling_test_stops),
		   atomic_long_read(&mem_sampling_test_drains));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mem_sampling_test_stats);

static int __init mem_sampling_test_provider_init(void)
{
	struct dentry *dir;
	int err;

	dir = debugfs_create_dir("mem_sampling", NULL);
	debugfs_create_file("inject", 0200, dir, NULL, &mem_sampling_test_inject_fops);
	debugfs_create_file("active", 0600, dir, NULL, &mem_sampling_test_active_fops);
	debugfs_create_file("stats", 0400, dir, NULL, &mem_sampling_test_stats_fops);

	/* Stand in only when no real provider registered before us. */
	mutex_lock(&mem_sampling_test_lock);
	err = mem_sampling_register_provider(&mem_sampling_test_provider);
	mem_sampling_test_registered = !err;
	mutex_unlock(&mem_sampling_test_lock);
	if (err)
		pr_info("not registered (%d): another provider is active; write 1 to debugfs mem_sampling/active to take over\n",
			err);
	return 0;
}
late_initcall(mem_sampling_test_provider_init);
