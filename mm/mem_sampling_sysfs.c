// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/mem_sampling/: the tunables of mem_sampling and the
 * active provider's capabilities.
 *
 * The tunables are sysfs files rather than sysctls because they belong
 * with the provider they are validated against: the directory shows the
 * provider's name and limits next to the values, one value per file, as
 * /sys/kernel/mm/transparent_hugepage/ and DAMON do.  The master switch
 * stays the sysctl kernel.mem_sampling_enable that openEuler users know.
 *
 * Every write changes its field under the core's lock
 * (mem_sampling_update_config()), so writers of different files cannot
 * lose each other's change; the core validates the result against the
 * provider's caps and applies it with sampling stopped.
 */

#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "mem_sampling_internal.h"

/* ------------------------------------------------------------ tunables */

/*
 * Parsing is strict: a write holds one value, optionally followed by a
 * newline, and nothing else.  The text must not hold a NUL either, or
 * "1\0garbage" would read as "1".  Every parse error, an out of range
 * number (-ERANGE from kstrto*()) included, is -EINVAL.
 */
static bool mem_sampling_text_ok(const char *buf, size_t count)
{
	return strnlen(buf, count) == count;
}

/* paddr and opt_in: 0 or 1, not kstrtobool()'s "yes", "on" or "1x". */
static int mem_sampling_parse_switch(const char *buf, size_t count, bool *on)
{
	unsigned int value;

	if (!mem_sampling_text_ok(buf, count) ||
	    kstrtouint(buf, 10, &value) || value > 1)
		return -EINVAL;
	*on = value;
	return 0;
}

/* A u32 tunable: where it is in struct mem_sampling_config. */
struct mem_sampling_u32_attr {
	struct kobj_attribute attr;
	size_t offset;
};

static ssize_t mem_sampling_u32_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_u32_attr *u32_attr =
		container_of(attr, struct mem_sampling_u32_attr, attr);
	struct mem_sampling_config cfg;

	mem_sampling_get_config(&cfg);
	return sysfs_emit(buf, "%u\n", *(u32 *)((char *)&cfg + u32_attr->offset));
}

/* What a store changes: @value at @offset in struct mem_sampling_config. */
struct mem_sampling_u32_update {
	size_t offset;
	u32 value;
};

static void mem_sampling_u32_update(struct mem_sampling_config *cfg, void *arg)
{
	const struct mem_sampling_u32_update *update = arg;

	*(u32 *)((char *)cfg + update->offset) = update->value;
}

static ssize_t mem_sampling_u32_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	struct mem_sampling_u32_attr *u32_attr =
		container_of(attr, struct mem_sampling_u32_attr, attr);
	struct mem_sampling_u32_update update = { .offset = u32_attr->offset };
	int err;

	if (!mem_sampling_text_ok(buf, count) ||
	    kstrtou32(buf, 0, &update.value))
		return -EINVAL;
	err = mem_sampling_update_config(mem_sampling_u32_update, &update);
	return err ? err : count;
}

static struct mem_sampling_u32_attr interval_attr = {
	.attr	= __ATTR(interval, 0644, mem_sampling_u32_show,
			 mem_sampling_u32_store),
	.offset	= offsetof(struct mem_sampling_config, interval),
};

static struct mem_sampling_u32_attr min_latency_attr = {
	.attr	= __ATTR(min_latency, 0644, mem_sampling_u32_show,
			 mem_sampling_u32_store),
	.offset	= offsetof(struct mem_sampling_config, min_latency),
};

static struct mem_sampling_u32_attr buffer_size_attr = {
	.attr	= __ATTR(buffer_size, 0644, mem_sampling_u32_show,
			 mem_sampling_u32_store),
	.offset	= offsetof(struct mem_sampling_config, buffer_size),
};

static const char * const op_filter_names[] = {
	[0]					= "all",
	[MEM_SAMPLING_FILTER_LOAD]		= "load",
	[MEM_SAMPLING_FILTER_STORE]		= "store",
	[MEM_SAMPLING_FILTER_LOAD |
	 MEM_SAMPLING_FILTER_STORE]		= "load,store",
};

static ssize_t op_filter_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_config cfg;

	mem_sampling_get_config(&cfg);
	if (cfg.op_filter >= ARRAY_SIZE(op_filter_names))
		return -EINVAL;
	return sysfs_emit(buf, "%s\n", op_filter_names[cfg.op_filter]);
}

static void op_filter_update(struct mem_sampling_config *cfg, void *arg)
{
	cfg->op_filter = *(u32 *)arg;
}

static ssize_t op_filter_store(struct kobject *kobj,
			       struct kobj_attribute *attr,
			       const char *buf, size_t count)
{
	int filter, err;
	u32 op_filter;

	if (!mem_sampling_text_ok(buf, count))
		return -EINVAL;
	filter = sysfs_match_string(op_filter_names, buf);
	if (filter < 0)
		return -EINVAL;
	op_filter = filter;
	err = mem_sampling_update_config(op_filter_update, &op_filter);
	return err ? err : count;
}

static struct kobj_attribute op_filter_attr = __ATTR_RW(op_filter);

/* The MEM_SAMPLING_EVENT_* bits by name, bit 0 first. */
static const char * const event_names[] = {
	"retired", "l1d_access", "l1d_miss", "llc_access", "llc_miss",
	"tlb_access", "tlb_walk", "remote_access", "mispredict", "not_taken",
};

/* The longest list of event names a write may hold, newline included. */
#define MEM_SAMPLING_EVENTS_LEN	128

/* @events as names separated by ",", or "none"; then a newline. */
static ssize_t mem_sampling_emit_events(char *buf, u32 events)
{
	int len = 0, bit;

	BUILD_BUG_ON(ARRAY_SIZE(event_names) != fls(MEM_SAMPLING_EVENT_ALL));
	for (bit = 0; bit < ARRAY_SIZE(event_names); bit++)
		if (events & BIT(bit))
			len += sysfs_emit_at(buf, len, "%s%s", len ? "," : "",
					     event_names[bit]);
	return len + sysfs_emit_at(buf, len, "%s\n", len ? "" : "none");
}

/* "none", or event names separated by ",", each at most once. */
static int mem_sampling_parse_events(const char *buf, size_t count,
				     u32 *events)
{
	char text[MEM_SAMPLING_EVENTS_LEN], *rest, *name;
	int bit;

	if (!mem_sampling_text_ok(buf, count) || count >= sizeof(text))
		return -EINVAL;
	memcpy(text, buf, count);
	text[count] = '\0';
	if (count && text[count - 1] == '\n')
		text[count - 1] = '\0';
	*events = 0;
	if (!strcmp(text, "none"))
		return 0;
	rest = text;
	while ((name = strsep(&rest, ","))) {
		bit = match_string(event_names, ARRAY_SIZE(event_names), name);
		if (bit < 0 || *events & BIT(bit))
			return -EINVAL;
		*events |= BIT(bit);
	}
	return 0;
}

static ssize_t event_filter_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_config cfg;

	mem_sampling_get_config(&cfg);
	return mem_sampling_emit_events(buf, cfg.event_filter);
}

static void event_filter_update(struct mem_sampling_config *cfg, void *arg)
{
	cfg->event_filter = *(u32 *)arg;
}

static ssize_t event_filter_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	u32 events;
	int err;

	err = mem_sampling_parse_events(buf, count, &events);
	if (err)
		return err;
	err = mem_sampling_update_config(event_filter_update, &events);
	return err ? err : count;
}

static struct kobj_attribute event_filter_attr = __ATTR_RW(event_filter);

static ssize_t paddr_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct mem_sampling_config cfg;

	mem_sampling_get_config(&cfg);
	return sysfs_emit(buf, "%d\n", cfg.paddr);
}

static void paddr_update(struct mem_sampling_config *cfg, void *arg)
{
	cfg->paddr = *(bool *)arg;
}

static ssize_t paddr_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	bool paddr;
	int err;

	err = mem_sampling_parse_switch(buf, count, &paddr);
	if (err)
		return err;
	err = mem_sampling_update_config(paddr_update, &paddr);
	return err ? err : count;
}

static struct kobj_attribute paddr_attr = __ATTR_RW(paddr);

static ssize_t opt_in_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", mem_sampling_get_opt_in());
}

static ssize_t opt_in_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	bool opt_in;
	int err;

	err = mem_sampling_parse_switch(buf, count, &opt_in);
	if (err)
		return err;
	mem_sampling_set_opt_in(opt_in);
	return count;
}

static struct kobj_attribute opt_in_attr = __ATTR_RW(opt_in);

static ssize_t provider_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_provider_caps caps;
	char name[MEM_SAMPLING_NAME_LEN];

	if (!mem_sampling_get_provider(name, sizeof(name), &caps))
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%s\n", name);
}

static struct kobj_attribute provider_attr = __ATTR_RO(provider);

/* interval, scaled while a consumer asks for faster or slower sampling. */
static ssize_t effective_interval_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", mem_sampling_get_effective_interval());
}

static struct kobj_attribute effective_interval_attr =
	__ATTR_RO(effective_interval);

/* The CPU budget, in basis points (1/100 %) of each CPU's time; 0: none. */
static ssize_t budget_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", mem_sampling_get_budget());
}

static ssize_t budget_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	u32 budget;
	int err;

	if (!mem_sampling_text_ok(buf, count) || kstrtou32(buf, 10, &budget))
		return -EINVAL;
	err = mem_sampling_set_budget(budget);
	return err ? err : count;
}

static struct kobj_attribute budget_attr = __ATTR_RW(budget);

/*
 * What sampling has cost each CPU since boot, in ns: one number per
 * possible CPU, in CPU order, as many as fit a page (at least 200); their
 * sum over all CPUs is mem_sampling_cost_ns in /proc/vmstat.
 */
#define MEM_SAMPLING_COST_LEN	21	/* " " and a u64 in decimal */

static ssize_t cost_ns_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	int cpu, len = 0;

	for_each_possible_cpu(cpu) {
		if (len + MEM_SAMPLING_COST_LEN + 1 >= PAGE_SIZE)
			break;
		len += sysfs_emit_at(buf, len, "%s%llu", len ? " " : "",
				     mem_sampling_cost_ns(cpu));
	}
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static struct kobj_attribute cost_ns_attr = __ATTR_RO(cost_ns);

/* 1 while a consumer paused sampling (NUMA balancing, converged). */
static ssize_t paused_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", mem_sampling_get_paused());
}

static struct kobj_attribute paused_attr = __ATTR_RO(paused);

static struct attribute *mem_sampling_attrs[] = {
	&provider_attr.attr,
	&interval_attr.attr.attr,
	&effective_interval_attr.attr,
	&paused_attr.attr,
	&budget_attr.attr,
	&cost_ns_attr.attr,
	&min_latency_attr.attr.attr,
	&op_filter_attr.attr,
	&event_filter_attr.attr,
	&buffer_size_attr.attr.attr,
	&paddr_attr.attr,
	&opt_in_attr.attr,
	NULL,
};

static const struct attribute_group mem_sampling_attr_group = {
	.attrs = mem_sampling_attrs,
};

/* -------------------------------------------------- provider capabilities */

/* A number among the provider's caps; empty without a provider. */
struct mem_sampling_caps_attr {
	struct kobj_attribute attr;
	size_t offset;
};

static ssize_t mem_sampling_caps_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_caps_attr *caps_attr =
		container_of(attr, struct mem_sampling_caps_attr, attr);
	struct mem_sampling_provider_caps caps;
	char name[MEM_SAMPLING_NAME_LEN];

	if (!mem_sampling_get_provider(name, sizeof(name), &caps))
		return 0;
	return sysfs_emit(buf, "%u\n",
			  *(u32 *)((char *)&caps + caps_attr->offset));
}

static struct mem_sampling_caps_attr caps_min_interval_attr = {
	.attr	= __ATTR(min_interval, 0444, mem_sampling_caps_show, NULL),
	.offset	= offsetof(struct mem_sampling_provider_caps, min_interval),
};

static struct mem_sampling_caps_attr caps_max_interval_attr = {
	.attr	= __ATTR(max_interval, 0444, mem_sampling_caps_show, NULL),
	.offset	= offsetof(struct mem_sampling_provider_caps, max_interval),
};

static struct mem_sampling_caps_attr caps_max_latency_filter_attr = {
	.attr	= __ATTR(max_latency_filter, 0444, mem_sampling_caps_show,
			 NULL),
	.offset	= offsetof(struct mem_sampling_provider_caps,
			   max_latency_filter),
};

static struct mem_sampling_caps_attr caps_min_buffer_size_attr = {
	.attr	= __ATTR(min_buffer_size, 0444, mem_sampling_caps_show, NULL),
	.offset	= offsetof(struct mem_sampling_provider_caps, min_buffer_size),
};

static struct mem_sampling_caps_attr caps_max_buffer_size_attr = {
	.attr	= __ATTR(max_buffer_size, 0444, mem_sampling_caps_show, NULL),
	.offset	= offsetof(struct mem_sampling_provider_caps, max_buffer_size),
};

static const char * const caps_flag_names[] = {
	"paddr", "latency", "data_source", "filter_op", "context",
};

static ssize_t caps_flags_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_provider_caps caps;
	char name[MEM_SAMPLING_NAME_LEN];
	int len = 0, bit;

	if (!mem_sampling_get_provider(name, sizeof(name), &caps))
		return 0;
	for (bit = 0; bit < ARRAY_SIZE(caps_flag_names); bit++)
		if (caps.flags & BIT(bit))
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     caps_flag_names[bit]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static struct kobj_attribute caps_flags_attr =
	__ATTR(flags, 0444, caps_flags_show, NULL);

static ssize_t caps_filter_events_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct mem_sampling_provider_caps caps;
	char name[MEM_SAMPLING_NAME_LEN];

	if (!mem_sampling_get_provider(name, sizeof(name), &caps))
		return 0;
	return mem_sampling_emit_events(buf, caps.filter_events);
}

static struct kobj_attribute caps_filter_events_attr =
	__ATTR(filter_events, 0444, caps_filter_events_show, NULL);

static struct attribute *mem_sampling_caps_attrs[] = {
	&caps_flags_attr.attr,
	&caps_filter_events_attr.attr,
	&caps_min_interval_attr.attr.attr,
	&caps_max_interval_attr.attr.attr,
	&caps_max_latency_filter_attr.attr.attr,
	&caps_min_buffer_size_attr.attr.attr,
	&caps_max_buffer_size_attr.attr.attr,
	NULL,
};

static const struct attribute_group mem_sampling_caps_group = {
	.name = "caps",
	.attrs = mem_sampling_caps_attrs,
};

static const struct attribute_group *mem_sampling_groups[] = {
	&mem_sampling_attr_group,
	&mem_sampling_caps_group,
	NULL,
};

static int __init mem_sampling_sysfs_init(void)
{
	struct kobject *kobj;
	int err;

	kobj = kobject_create_and_add("mem_sampling", mm_kobj);
	if (!kobj)
		return -ENOMEM;
	err = sysfs_create_groups(kobj, mem_sampling_groups);
	if (err)
		kobject_put(kobj);
	return err;
}
subsys_initcall(mem_sampling_sysfs_init);
