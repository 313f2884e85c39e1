/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the mem_sampling core, included at the end of
 * mm/mem_sampling.c so they reach its static functions.
 *
 * Each test runs on an isolated core: the registered providers, consumers
 * and settings are set aside by the init hook and put back by the exit
 * hook, so a real provider (SPE, the test provider) and real consumers
 * (NUMA balancing) see nothing of the fake records used here.
 */
#ifndef _MEM_SAMPLING_KUNIT_TEST_H
#define _MEM_SAMPLING_KUNIT_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>

/* ------------------------------------------------------- isolation */

static struct mem_sampling_state kunit_saved;

/* Move the state in @from to @to: one copy, then the list re-linked. */
static void kunit_state_move(struct mem_sampling_state *to,
			     struct mem_sampling_state *from)
{
	*to = *from;
	INIT_LIST_HEAD(&to->consumers);
	list_splice_init(&from->consumers, &to->consumers);
}

static int mem_sampling_kunit_init(struct kunit *test)
{
	/* The tests drive the budget governor themselves. */
	mem_sampling_budget_stop();
	mutex_lock(&mem_sampling_lock);
	mem_sampling_quiesce();
	/* No CPU has a target: nobody walks the list until we resume. */
	kunit_state_move(&kunit_saved, &mem_sampling_state);
	mem_sampling_state = (struct mem_sampling_state) {
		.config	= MEM_SAMPLING_DEFAULT_CONFIG,
	};
	INIT_LIST_HEAD(&mem_sampling_state.consumers);
	mutex_unlock(&mem_sampling_lock);
	return 0;
}

static void mem_sampling_kunit_exit(struct kunit *test)
{
	mutex_lock(&mem_sampling_lock);
	/* A test that failed half way may leave its provider registered. */
	mem_sampling_quiesce();
	synchronize_rcu();
	kunit_state_move(&mem_sampling_state, &kunit_saved);
	mem_sampling_resume();
	mutex_unlock(&mem_sampling_lock);
}

/* ---------------------------------------------------- fake providers */

/*
 * Two providers, each with its own ops, so a call reaching a provider
 * after its unregistration returned is seen whatever is active by then.
 */
struct kunit_provider {
	struct mem_sampling_provider provider;
	atomic_t configures, starts, stops, drains;
	/* Set once unregister returned: any op after that is a bug. */
	bool gone;
	atomic_t ops_while_gone;
	/* configure() ran while sampling was running: a bug too. */
	atomic_t configured_running;
	struct mem_sampling_config last_config;
	int configure_error;
};

static struct kunit_provider kunit_providers[2];
/* Survives the re-initialisation of a provider slot. */
static atomic_t kunit_ops_while_gone;

static void kunit_provider_count(struct kunit_provider *kp, atomic_t *counter)
{
	atomic_inc(counter);
	if (READ_ONCE(kp->gone)) {
		atomic_inc(&kp->ops_while_gone);
		atomic_inc(&kunit_ops_while_gone);
	}
}

static int kunit_configure(int n, const struct mem_sampling_config *cfg)
{
	struct kunit_provider *kp = &kunit_providers[n];

	kunit_provider_count(kp, &kp->configures);
	if (READ_ONCE(mem_sampling_state.running))
		atomic_inc(&kp->configured_running);
	/* Refuse new settings only: the old ones must come back. */
	if (kp->configure_error &&
	    cfg->interval != kp->last_config.interval)
		return kp->configure_error;
	kp->last_config = *cfg;
	return 0;
}

static int kunit_configure_0(const struct mem_sampling_config *cfg)
{
	return kunit_configure(0, cfg);
}

static int kunit_configure_1(const struct mem_sampling_config *cfg)
{
	return kunit_configure(1, cfg);
}

static void kunit_start_0(struct task_struct *task)
{
	kunit_provider_count(&kunit_providers[0], &kunit_providers[0].starts);
}

static void kunit_start_1(struct task_struct *task)
{
	kunit_provider_count(&kunit_providers[1], &kunit_providers[1].starts);
}

static void kunit_stop_0(void)
{
	kunit_provider_count(&kunit_providers[0], &kunit_providers[0].stops);
}

static void kunit_stop_1(void)
{
	kunit_provider_count(&kunit_providers[1], &kunit_providers[1].stops);
}

static void kunit_drain_0(void)
{
	kunit_provider_count(&kunit_providers[0], &kunit_providers[0].drains);
}

static void kunit_drain_1(void)
{
	kunit_provider_count(&kunit_providers[1], &kunit_providers[1].drains);
}

static const struct mem_sampling_provider_ops kunit_ops_0 = {
	.configure	= kunit_configure_0,
	.start		= kunit_start_0,
	.stop		= kunit_stop_0,
	.drain		= kunit_drain_0,
};

static const struct mem_sampling_provider_ops kunit_ops_1 = {
	.configure	= kunit_configure_1,
	.start		= kunit_start_1,
	.stop		= kunit_stop_1,
	.drain		= kunit_drain_1,
};

/* A fresh provider in slot @n with capability @flags. */
static struct mem_sampling_provider *kunit_provider_init(int n,
							 unsigned long flags)
{
	struct kunit_provider *kp = &kunit_providers[n];

	memset(kp, 0, sizeof(*kp));
	kp->provider.name = n ? "kunit-b" : "kunit-a";
	kp->provider.ops = n ? &kunit_ops_1 : &kunit_ops_0;
	kp->provider.caps.flags = flags;
	kp->provider.caps.min_interval = 64;
	kp->provider.caps.max_interval = 1 << 20;
	kp->provider.caps.max_latency_filter = 4095;
	kp->provider.caps.min_buffer_size = 4096;
	kp->provider.caps.max_buffer_size = 1 << 20;
	return &kp->provider;
}

static void kunit_provider_unregister(int n)
{
	mem_sampling_unregister_provider(&kunit_providers[n].provider);
	WRITE_ONCE(kunit_providers[n].gone, true);
}

/* ---------------------------------------------------- fake consumers */

#define KUNIT_LOG_SIZE	512

struct kunit_consumer {
	struct mem_sampling_consumer consumer;
	atomic_t calls;
	atomic_t records;
	bool gone;
	atomic_t calls_while_gone;
	unsigned int max_batch;
	/* Dispatch log, written by one CPU at a time in the order tests. */
	unsigned int nr_logged;
	u64 vaddr_log[KUNIT_LOG_SIZE];
	struct task_struct *task_log[KUNIT_LOG_SIZE];
	/* Global order of calls across consumers. */
	unsigned int last_sequence;
};

static struct kunit_consumer kunit_consumers[2];
static atomic_t kunit_sequence;

static void kunit_consume(struct kunit_consumer *kc, struct task_struct *task,
			  const struct mem_sampling_record *records,
			  unsigned int nr)
{
	unsigned int i;

	atomic_inc(&kc->calls);
	atomic_add(nr, &kc->records);
	if (READ_ONCE(kc->gone))
		atomic_inc(&kc->calls_while_gone);
	kc->max_batch = max(kc->max_batch, nr);
	kc->last_sequence = atomic_inc_return(&kunit_sequence);
	for (i = 0; i < nr && kc->nr_logged < KUNIT_LOG_SIZE; i++) {
		kc->vaddr_log[kc->nr_logged] = records[i].vaddr;
		kc->task_log[kc->nr_logged] = task;
		kc->nr_logged++;
	}
}

static void kunit_handle_batch_0(struct task_struct *task,
				 const struct mem_sampling_record *records,
				 unsigned int nr)
{
	kunit_consume(&kunit_consumers[0], task, records, nr);
}

static void kunit_handle_batch_1(struct task_struct *task,
				 const struct mem_sampling_record *records,
				 unsigned int nr)
{
	kunit_consume(&kunit_consumers[1], task, records, nr);
}

static struct mem_sampling_consumer *kunit_consumer_init(int n)
{
	struct kunit_consumer *kc = &kunit_consumers[n];

	memset(kc, 0, sizeof(*kc));
	kc->consumer.name = n ? "kunit-b" : "kunit-a";
	kc->consumer.handle_batch = n ? kunit_handle_batch_1 :
					kunit_handle_batch_0;
	return &kc->consumer;
}

/* ------------------------------------------------------------ helpers */

static void kunit_copy_config(struct mem_sampling_config *cfg, void *arg)
{
	*cfg = *(const struct mem_sampling_config *)arg;
}

/* Apply the whole of @cfg, as the sysfs stores apply one field. */
static int kunit_set_config(const struct mem_sampling_config *cfg)
{
	return mem_sampling_update_config(kunit_copy_config, (void *)cfg);
}

static unsigned long kunit_vm_event(enum vm_event_item item)
{
	unsigned long *events, value;

	events = kcalloc(NR_VM_EVENT_ITEMS, sizeof(*events), GFP_KERNEL);
	if (!events)
		return 0;
	all_vm_events(events);
	value = events[item];
	kfree(events);
	return value;
}

/* Add @nr records numbered from @first, @chunk at a time. */
static void kunit_add_records(u64 first, unsigned int nr, unsigned int chunk)
{
	struct mem_sampling_record records[8] = {};
	unsigned int done = 0, i;

	chunk = min_t(unsigned int, chunk, ARRAY_SIZE(records));
	while (done < nr) {
		unsigned int n = min(chunk, nr - done);

		for (i = 0; i < n; i++) {
			records[i].vaddr = first + done + i;
			records[i].flags = MEM_SAMPLING_RECORD_VADDR_VALID;
			records[i].op = MEM_SAMPLING_OP_LOAD;
		}
		mem_sampling_records_add(records, n);
		done += n;
	}
}

/*
 * A user task for the policy: a zeroed task_struct with an mm, never run.
 * The core only reads ->flags and ->mm from it (and passes it around).
 */
struct kunit_fake_task {
	struct task_struct *task;
	struct mm_struct *mm;
};

static void kunit_fake_task_init(struct kunit *test, struct kunit_fake_task *f)
{
	f->task = kunit_kzalloc(test, sizeof(*f->task), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->task);
	f->mm = kunit_kzalloc(test, sizeof(*f->mm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mm);
	f->task->mm = f->mm;
}

/* ---------------------------------------------------------------- tests */

/* Batches reach every consumer in order, full batches on the spot. */
static void mem_sampling_test_dispatch_order(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0], *b = &kunit_consumers[1];
	unsigned long flags;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(1)), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_register_consumer(&a->consumer), -EBUSY);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	local_irq_save(flags);
	mem_sampling_retarget(current);
	/* 150 records, 7 at a time: two full batches go out during adds. */
	kunit_add_records(1000, 150, 7);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 2 * MEM_SAMPLING_BATCH);
	mem_sampling_records_flush();
	mem_sampling_retarget(NULL);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 150);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->records), 150);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 3);
	KUNIT_EXPECT_EQ(test, a->max_batch, MEM_SAMPLING_BATCH);
	/* b was registered after a: it is called after a for each batch. */
	KUNIT_EXPECT_GT(test, b->last_sequence, a->last_sequence);
	for (i = 0; i < 150; i++) {
		KUNIT_EXPECT_EQ(test, a->vaddr_log[i], 1000 + i);
		KUNIT_EXPECT_EQ(test, b->vaddr_log[i], 1000 + i);
		KUNIT_EXPECT_PTR_EQ(test, a->task_log[i], current);
	}
	/* Stopping drained the provider and stopped it once. */
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].starts), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].stops), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].drains), 1);

	mem_sampling_unregister_consumer(&b->consumer);
	mem_sampling_unregister_consumer(&a->consumer);
}

/* Records nobody owns are dropped and counted; so is what providers lose. */
static void mem_sampling_test_drop_accounting(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];
	unsigned long dropped, truncated, samples, flags;

	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	dropped = kunit_vm_event(MEM_SAMPLING_DROPPED);
	truncated = kunit_vm_event(MEM_SAMPLING_TRUNCATED);
	samples = kunit_vm_event(MEM_SAMPLING_SAMPLES);

	/* No target on this CPU: the records belong to nobody. */
	local_irq_save(flags);
	mem_sampling_retarget(NULL);
	kunit_add_records(0, 5, 5);
	mem_sampling_records_flush();
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 0);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_DROPPED), dropped + 5);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_SAMPLES), samples);

	mem_sampling_count_lost(2, 3);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_TRUNCATED), truncated + 2);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_DROPPED), dropped + 8);

	/* Owned records are counted as samples when dispatched. */
	local_irq_save(flags);
	mem_sampling_retarget(current);
	kunit_add_records(0, 10, 4);
	mem_sampling_retarget(NULL);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 10);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_SAMPLES), samples + 10);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_DROPPED), dropped + 8);

	mem_sampling_unregister_consumer(&a->consumer);
}

static int kunit_sysctl_write(const char *text)
{
	char buf[16];
	size_t len = strscpy(buf, text, sizeof(buf));
	loff_t pos = 0;

	return mem_sampling_enable_handler(&mem_sampling_sysctls[0], 1, buf,
					   &len, &pos);
}

/* The switch: needs a provider, drives the static key, stops every CPU. */
static void mem_sampling_test_enable_disable(struct kunit *test)
{
	struct kunit_provider *kp = &kunit_providers[0];
	unsigned long flags;

	KUNIT_EXPECT_EQ(test, mem_sampling_set_enabled(true), -ENODEV);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.enabled);
	KUNIT_EXPECT_FALSE(test, static_key_enabled(&mem_sampling_key));

	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_register_provider(kunit_provider_init(1, 0)), -EBUSY);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.running);

	/* Bad values change nothing. */
	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("2"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("-1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("on"), -EINVAL);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.enabled);

	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("1"), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.enabled);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);
	KUNIT_EXPECT_TRUE(test, static_key_enabled(&mem_sampling_key));

	/* Sampling on this CPU, then switched off: stopped from the IPI. */
	local_irq_save(flags);
	mem_sampling_retarget(current);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("0"), 0);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.running);
	KUNIT_EXPECT_FALSE(test, static_key_enabled(&mem_sampling_key));
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->stops), 1);

	/* Unregistering keeps the wish, which comes back with a provider. */
	KUNIT_EXPECT_EQ(test, kunit_sysctl_write("1"), 0);
	kunit_provider_unregister(0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.enabled);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.running);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(1, 0)), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);
	kunit_provider_unregister(1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].ops_while_gone), 0);
}

/* Which tasks are sampled: kernel threads never, processes by their mode. */
static void mem_sampling_test_process_filter(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];
	struct kunit_fake_task user, other;
	unsigned long flags;

	kunit_fake_task_init(test, &user);
	kunit_fake_task_init(test, &other);

	KUNIT_EXPECT_TRUE(test, mem_sampling_task_wanted(user.task));
	user.mm->mem_sampling_mode = PR_MEM_SAMPLING_DISABLE;
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_wanted(user.task));
	user.mm->mem_sampling_mode = PR_MEM_SAMPLING_ENABLE;
	KUNIT_EXPECT_TRUE(test, mem_sampling_task_wanted(user.task));
	mem_sampling_set_opt_in(true);
	KUNIT_EXPECT_TRUE(test, mem_sampling_task_wanted(user.task));
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_wanted(other.task));
	mem_sampling_set_opt_in(false);
	KUNIT_EXPECT_TRUE(test, mem_sampling_task_wanted(other.task));
	other.task->flags = PF_KTHREAD;
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_wanted(other.task));
	other.task->flags = 0;
	other.task->mm = NULL;
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_wanted(other.task));
	other.task->mm = other.mm;
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_wanted(current));

	/* Off, nothing is sampled; on, the policy decides. */
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_sampled(user.task));
	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_task_sampled(user.task));
	KUNIT_EXPECT_FALSE(test, mem_sampling_task_sampled(current));

	/* Through the switch path: an opted-out process yields nothing. */
	other.mm->mem_sampling_mode = PR_MEM_SAMPLING_DISABLE;
	local_irq_save(flags);
	mem_sampling_switch_target(other.task);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), NULL);
	mem_sampling_switch_target(user.task);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), user.task);
	kunit_add_records(0, 3, 3);
	/* Switching to the opted-out process dispatches user's records. */
	mem_sampling_switch_target(other.task);
	kunit_add_records(100, 3, 3);
	mem_sampling_switch_target(NULL);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 3);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[0], user.task);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[2], user.task);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].starts), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_providers[0].stops), 1);

	/* The sched hooks follow the same rule. */
	local_irq_save(flags);
	__mem_sampling_sched_in(current, user.task);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), user.task);
	kunit_add_records(200, 2, 2);
	__mem_sampling_sched_out(user.task, other.task);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), NULL);
	__mem_sampling_sched_in(user.task, other.task);
	KUNIT_EXPECT_PTR_EQ(test, this_cpu_read(mem_sampling_cpu.target), NULL);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 5);
	KUNIT_EXPECT_EQ(test, a->vaddr_log[3], 200);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[4], user.task);

	mem_sampling_unregister_consumer(&a->consumer);
}

/* Outgoing task's records go out as its own before the incoming starts. */
static void mem_sampling_test_sched_switch(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];
	struct kunit_provider *kp = &kunit_providers[0];
	struct kunit_fake_task first, second;
	unsigned long flags;

	kunit_fake_task_init(test, &first);
	kunit_fake_task_init(test, &second);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	local_irq_save(flags);
	__mem_sampling_sched_out(current, first.task);
	__mem_sampling_sched_in(current, first.task);
	kunit_add_records(10, 2, 2);
	__mem_sampling_sched_out(first.task, second.task);
	/* Drained and dispatched as first's, provider kept running. */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->stops), 0);
	__mem_sampling_sched_in(first.task, second.task);
	kunit_add_records(20, 1, 1);
	/* The same task again: nothing to do. */
	__mem_sampling_sched_in(second.task, second.task);
	__mem_sampling_sched_out(second.task, current);
	__mem_sampling_sched_in(second.task, current);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 3);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[0], first.task);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[1], first.task);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[2], second.task);
	KUNIT_EXPECT_EQ(test, a->vaddr_log[2], 20);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->starts), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->stops), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->drains), 2);
	mem_sampling_unregister_consumer(&a->consumer);
}

/* @nr load records, vaddr from @first on, each carrying @pid. */
static void kunit_add_context_records(u64 first, unsigned int nr, pid_t pid)
{
	struct mem_sampling_record record = {
		.flags = MEM_SAMPLING_RECORD_VADDR_VALID |
			 MEM_SAMPLING_RECORD_CONTEXT_VALID,
		.op = MEM_SAMPLING_OP_LOAD,
		.context_id = pid,
	};
	unsigned int i;

	for (i = 0; i < nr; i++) {
		record.vaddr = first + i;
		mem_sampling_records_add(&record, 1);
	}
}

/*
 * Records that carry their pid (MEM_SAMPLING_CAP_CONTEXT): a switch
 * between sampled tasks drains nothing, and each record reaches the task
 * whose pid it carries: the target, the previous owner, any task found by
 * pid; a record of a pid nobody has, or without a pid, is dropped.
 */
static void mem_sampling_test_context_attribution(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];
	struct kunit_provider *kp = &kunit_providers[0];
	struct mem_sampling_provider *provider;
	struct kunit_fake_task first, second;
	u64 dropped = kunit_vm_event(MEM_SAMPLING_DROPPED);
	struct mem_sampling_record no_pid = {
		.flags = MEM_SAMPLING_RECORD_VADDR_VALID,
	};
	unsigned long flags;
	unsigned int i;

	kunit_fake_task_init(test, &first);
	kunit_fake_task_init(test, &second);
	/* Pids no task can have: found only as target or owner. */
	first.task->pid = PID_MAX_LIMIT + 1;
	second.task->pid = PID_MAX_LIMIT + 2;
	provider = kunit_provider_init(0, MEM_SAMPLING_CAP_CONTEXT);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(provider), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	local_irq_save(flags);
	__mem_sampling_sched_out(current, first.task);
	__mem_sampling_sched_in(current, first.task);
	kunit_add_context_records(10, 2, first.task->pid);
	__mem_sampling_sched_out(first.task, second.task);
	__mem_sampling_sched_in(first.task, second.task);
	/* No drain, no dispatch: first's records wait in the batch. */
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->drains), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 0);
	/* The buffer fills: first's last record, then second's, ... */
	kunit_add_context_records(12, 1, first.task->pid);
	kunit_add_context_records(20, 2, second.task->pid);
	/* ...one of a real task (this one), one of nobody, one without. */
	kunit_add_context_records(30, 1, task_pid_nr(current));
	kunit_add_context_records(40, 1, PID_MAX_LIMIT + 3);
	mem_sampling_records_add(&no_pid, 1);
	mem_sampling_records_flush();
	/* A task that is not sampled: stop and drain. */
	__mem_sampling_sched_out(second.task, current);
	__mem_sampling_sched_in(second.task, current);
	local_irq_restore(flags);

	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->calls), 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, a->task_log[i], first.task);
	KUNIT_EXPECT_EQ(test, a->vaddr_log[2], 12);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[3], second.task);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[4], second.task);
	KUNIT_EXPECT_PTR_EQ(test, a->task_log[5], current);
	KUNIT_EXPECT_EQ(test, kunit_vm_event(MEM_SAMPLING_DROPPED) - dropped,
			2);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->drains), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->stops), 1);
	mem_sampling_unregister_consumer(&a->consumer);
}

/* Settings are checked against the caps and applied with sampling off. */
static void mem_sampling_test_config(struct kunit *test)
{
	struct kunit_provider *kp = &kunit_providers[0];
	struct mem_sampling_provider *provider;
	struct mem_sampling_config cfg, now;

	/* Without a provider only generic checks; fitted at registration. */
	mem_sampling_get_config(&cfg);
	cfg.interval = 1;
	cfg.min_latency = 100;
	cfg.op_filter = MEM_SAMPLING_FILTER_LOAD;
	cfg.paddr = true;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), 0);
	cfg.op_filter = 4;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg.op_filter = MEM_SAMPLING_FILTER_LOAD;
	cfg.event_filter = MEM_SAMPLING_EVENT_ALL + 1;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg.event_filter = MEM_SAMPLING_EVENT_L1D_MISS;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), 0);

	provider = kunit_provider_init(0, MEM_SAMPLING_CAP_PADDR);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(provider), 0);
	mem_sampling_get_config(&now);
	KUNIT_EXPECT_EQ(test, now.interval, 64);
	KUNIT_EXPECT_EQ(test, now.min_latency, 0);
	KUNIT_EXPECT_EQ(test, now.op_filter, 0);
	KUNIT_EXPECT_EQ(test, now.event_filter, 0);
	KUNIT_EXPECT_TRUE(test, now.paddr);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 64);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	cfg = now;
	cfg.interval = 63;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg.interval = (1 << 20) + 1;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg = now;
	cfg.min_latency = 10;	/* no latency capability */
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg = now;
	cfg.op_filter = MEM_SAMPLING_FILTER_STORE;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg = now;
	cfg.event_filter = MEM_SAMPLING_EVENT_L1D_MISS;	/* no event filter */
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	cfg = now;
	cfg.buffer_size = 1024;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->configures), 1);

	cfg = now;
	cfg.interval = 4096;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), 0);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 4096);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->configured_running), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);

	/* A provider refusing a setting keeps the old one. */
	kp->configure_error = -EIO;
	cfg.interval = 8192;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), -EIO);
	mem_sampling_get_config(&now);
	KUNIT_EXPECT_EQ(test, now.interval, 4096);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);
	kp->configure_error = 0;
}

struct kunit_slow_update {
	struct completion started;
	struct completion done;
	int err;
};

/* Change the interval, slowly enough for another writer to come in. */
static void kunit_slow_interval(struct mem_sampling_config *cfg, void *arg)
{
	struct kunit_slow_update *slow = arg;

	complete(&slow->started);
	msleep(50);
	cfg->interval = 4096;
}

static int kunit_slow_update_thread(void *arg)
{
	struct kunit_slow_update *slow = arg;

	slow->err = mem_sampling_update_config(kunit_slow_interval, slow);
	complete(&slow->done);
	return 0;
}

static void kunit_buffer_size(struct mem_sampling_config *cfg, void *arg)
{
	cfg->buffer_size = 8192;
}

/*
 * Two writers of different fields, as two sysfs files, the second one
 * while the first is between reading the settings and writing them back:
 * both changes stay.
 */
static void mem_sampling_test_update_config(struct kunit *test)
{
	struct kunit_slow_update slow = {};
	struct mem_sampling_config cfg;
	struct task_struct *thread;

	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);
	init_completion(&slow.started);
	init_completion(&slow.done);
	thread = kthread_run(kunit_slow_update_thread, &slow,
			     "mem_sampling_kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(thread));
	wait_for_completion(&slow.started);
	KUNIT_EXPECT_EQ(test, mem_sampling_update_config(kunit_buffer_size, NULL), 0);
	wait_for_completion(&slow.done);
	KUNIT_EXPECT_EQ(test, slow.err, 0);
	mem_sampling_get_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.interval, 4096);
	KUNIT_EXPECT_EQ(test, cfg.buffer_size, 8192);
	KUNIT_EXPECT_EQ(test, kunit_providers[0].last_config.interval, 4096);
	KUNIT_EXPECT_EQ(test, kunit_providers[0].last_config.buffer_size, 8192);
	kunit_provider_unregister(0);
}

/*
 * A consumer's interval shift: the provider runs faster than configured,
 * never below its minimum, the configured interval stays what the admin
 * set, and shift 0 goes back to it.
 */
static void mem_sampling_test_interval_shift(struct kunit *test)
{
	struct kunit_provider *kp = &kunit_providers[0];
	struct mem_sampling_provider *provider;
	struct mem_sampling_config cfg;
	int configures;

	/* Without a provider the shift is kept for the next one. */
	mem_sampling_get_config(&cfg);
	cfg.interval = 1024;
	KUNIT_ASSERT_EQ(test, kunit_set_config(&cfg), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(1), 1024);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 0);

	provider = kunit_provider_init(0, MEM_SAMPLING_CAP_PADDR);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(provider), 0);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 512);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(2), 256);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 256);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 256);
	mem_sampling_get_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.interval, 1024);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->configured_running), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);

	/* Clamped to the provider's minimum; no change, no reconfiguration. */
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(4), 64);
	configures = atomic_read(&kp->configures);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(8), 64);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->configures), configures);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(9), -EINVAL);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(-9), -EINVAL);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 64);

	/* Slower than configured, up to the provider's maximum. */
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(-2), 4096);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 4096);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(-8), 1 << 18);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(8), 64);

	/* The admin's interval moves under the shift. */
	cfg.interval = 1 << 16;
	KUNIT_EXPECT_EQ(test, kunit_set_config(&cfg), 0);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 256);
	mem_sampling_get_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.interval, 1 << 16);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(-5), 1 << 20);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(8), 256);

	/* A refusal keeps the interval in effect. */
	kp->configure_error = -EIO;
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(1), -EIO);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 256);
	kp->configure_error = 0;

	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(0), 1 << 16);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 1 << 16);
	KUNIT_EXPECT_EQ(test, atomic_read(&kp->configured_running), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);
	kunit_provider_unregister(0);
}

static bool kunit_needs_samples(void)
{
	return true;
}

/*
 * A pause stops sampling but leaves the enable switch alone; a consumer
 * that needs samples refuses it.
 */
static void mem_sampling_test_pause(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];

	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);

	KUNIT_EXPECT_EQ(test, mem_sampling_pause(true), 0);
	KUNIT_EXPECT_FALSE(test, mem_sampling_state.running);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.enabled);
	KUNIT_EXPECT_TRUE(test, mem_sampling_get_paused());
	KUNIT_EXPECT_EQ(test, mem_sampling_pause(false), 0);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);

	kunit_consumer_init(0);
	a->consumer.needs_samples = kunit_needs_samples;
	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(&a->consumer), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_pause(true), -EBUSY);
	KUNIT_EXPECT_TRUE(test, mem_sampling_state.running);
	KUNIT_EXPECT_FALSE(test, mem_sampling_get_paused());
	mem_sampling_unregister_consumer(&a->consumer);
	KUNIT_EXPECT_EQ(test, mem_sampling_pause(true), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_pause(false), 0);
	kunit_provider_unregister(0);
}

/* ------------------------------------------------------- under load */

struct kunit_flow {
	atomic_t rounds;
	atomic_t added;
};

/*
 * What a provider's interrupt and the context switch path do, as fast as
 * possible: take this CPU for a task, add records, flush, let go.
 */
static int kunit_flow_thread(void *data)
{
	struct kunit_flow *flow = data;

	while (!kthread_should_stop()) {
		unsigned long flags;

		local_irq_save(flags);
		if (READ_ONCE(mem_sampling_state.running)) {
			mem_sampling_retarget(current);
			kunit_add_records(0, 16, 8);
			mem_sampling_records_flush();
			mem_sampling_retarget(NULL);
			atomic_add(16, &flow->added);
		}
		local_irq_restore(flags);
		atomic_inc(&flow->rounds);
		cond_resched();
	}
	return 0;
}

static struct task_struct *kunit_flow_start(struct kunit *test,
					    struct kunit_flow *flow)
{
	struct task_struct *thread;

	thread = kthread_run(kunit_flow_thread, flow, "mem_sampling_kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(thread));
	return thread;
}

/* Provider swaps while records flow: no op reaches a gone provider. */
static void mem_sampling_test_provider_swap_under_load(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0];
	struct mem_sampling_provider *provider;
	struct kunit_flow flow = {};
	struct task_struct *thread;
	int round, n;

	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);
	atomic_set(&kunit_ops_while_gone, 0);
	thread = kunit_flow_start(test, &flow);

	for (round = 0; round < 40; round++) {
		unsigned long deadline = jiffies + HZ;

		n = round & 1;
		/*
		 * Swap only once records flowed through the current
		 * provider, or on a fast machine every swap may happen
		 * before the thread adds anything.
		 */
		while (atomic_read(&flow.added) <= round * 16 &&
		       time_before(jiffies, deadline))
			usleep_range(50, 100);
		kunit_provider_unregister(n);
		provider = kunit_provider_init(!n, 0);
		KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(provider), 0);
	}
	kthread_stop(thread);
	kunit_provider_unregister(40 & 1);

	KUNIT_EXPECT_GT(test, atomic_read(&flow.added), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), atomic_read(&flow.added));
	KUNIT_EXPECT_EQ(test, atomic_read(&kunit_ops_while_gone), 0);
	mem_sampling_unregister_consumer(&a->consumer);
}

/* Consumers come and go under load: none is called once it is gone. */
static void mem_sampling_test_consumer_under_load(struct kunit *test)
{
	struct kunit_consumer *a = &kunit_consumers[0], *b = &kunit_consumers[1];
	struct kunit_flow flow = {};
	struct task_struct *thread;
	int round, calls_seen = 0;

	KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(kunit_consumer_init(0)), 0);
	kunit_consumer_init(1);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(kunit_provider_init(0, 0)), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);
	thread = kunit_flow_start(test, &flow);

	for (round = 0; round < 40; round++) {
		int before = atomic_read(&b->calls), waited = 0;

		WRITE_ONCE(b->gone, false);
		KUNIT_ASSERT_EQ(test, mem_sampling_register_consumer(&b->consumer), 0);
		/* Let at least one batch reach it (1 s at most). */
		while (atomic_read(&b->calls) == before && waited++ < 10000)
			usleep_range(50, 100);
		if (atomic_read(&b->calls) != before)
			calls_seen++;
		mem_sampling_unregister_consumer(&b->consumer);
		WRITE_ONCE(b->gone, true);
	}
	kthread_stop(thread);

	KUNIT_EXPECT_EQ(test, calls_seen, 40);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->calls_while_gone), 0);
	/* The steady consumer missed nothing. */
	KUNIT_EXPECT_EQ(test, atomic_read(&a->records), atomic_read(&flow.added));
	mem_sampling_unregister_consumer(&a->consumer);
	kunit_provider_unregister(0);
}

/* The budget governor's decision, a pure function of what it measured. */
static void mem_sampling_test_budget_decision(struct kunit *test)
{
	const u64 period = NSEC_PER_SEC;
	/* 1% of a second. */
	const u64 allowed = 10 * NSEC_PER_MSEC;

	/* No budget, no slow-down; no period, no news. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(5, allowed * 100,
							     period, 0), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(3, allowed, 0,
							     100), 3);

	/* Over: as many halvings as it takes to get under, at once. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, allowed + 1,
							     period, 100), 1);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, 2 * allowed,
							     period, 100), 1);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, 3 * allowed,
							     period, 100), 2);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(1, 5 * allowed,
							     period, 100), 4);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(2, period,
							     period, 100), 9);
	/* Never beyond the largest slow-down, whatever it measured. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(15, U64_MAX / 2,
							     period, 1),
			MEM_SAMPLING_MAX_BUDGET_SHIFT);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(40, 0, period,
							     100),
			MEM_SAMPLING_MAX_BUDGET_SHIFT - 1);

	/* Within budget: keep the rate unless doubling it stays well under. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(3, allowed,
							     period, 100), 3);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(3, allowed / 2,
							     period, 100), 3);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(3, allowed / 3,
							     period, 100), 2);
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, 0, period,
							     100), 0);

	/* The whole CPU: only more than all of it is over. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, period, period,
							     MEM_SAMPLING_BUDGET_MAX),
			0);
	/* A period too short to allow a nanosecond still decides. */
	KUNIT_EXPECT_EQ(test, mem_sampling_budget_next_shift(0, 2, 10, 1), 1);
}

/* The governor's shift slows down whatever the consumer asked for. */
static void mem_sampling_test_budget_interval(struct kunit *test)
{
	struct kunit_provider *kp = &kunit_providers[0];
	struct mem_sampling_provider *provider;
	struct mem_sampling_config cfg;
	u32 budget;

	mem_sampling_get_config(&cfg);
	cfg.interval = 1024;
	KUNIT_ASSERT_EQ(test, kunit_set_config(&cfg), 0);
	provider = kunit_provider_init(0, MEM_SAMPLING_CAP_PADDR);
	KUNIT_ASSERT_EQ(test, mem_sampling_register_provider(provider), 0);
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(true), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(2), 256);

	/* No budget: the governor stops and changes nothing. */
	KUNIT_EXPECT_FALSE(test, mem_sampling_budget_window(NSEC_PER_SEC,
							    NSEC_PER_SEC,
							    &budget));
	KUNIT_EXPECT_EQ(test, budget, 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 256);

	/* Set here rather than by mem_sampling_set_budget(): no work runs. */
	mutex_lock(&mem_sampling_lock);
	mem_sampling_state.budget = 100;
	mutex_unlock(&mem_sampling_lock);

	/* 4% against 1%: four times slower than the consumer asked. */
	KUNIT_EXPECT_TRUE(test, mem_sampling_budget_window(40 * NSEC_PER_MSEC,
							   NSEC_PER_SEC,
							   &budget));
	KUNIT_EXPECT_EQ(test, budget, 100);
	KUNIT_EXPECT_EQ(test, mem_sampling_state.budget_shift, 2);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 1024);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 1024);
	/* The consumer's requests still count, under the governor's. */
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(0), 4096);
	KUNIT_EXPECT_EQ(test, mem_sampling_set_interval_shift(2), 1024);
	/* The administrator's interval is the ceiling it works under. */
	mem_sampling_get_config(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.interval, 1024);

	/* Quiet: one step back at a time. */
	KUNIT_EXPECT_TRUE(test, mem_sampling_budget_window(0, NSEC_PER_SEC,
							   &budget));
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 512);

	/* Bad budgets are refused and change nothing. */
	KUNIT_EXPECT_EQ(test, mem_sampling_set_budget(MEM_SAMPLING_BUDGET_MAX +
						      1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_budget(), 100);

	/* No budget any more: the rate asked for, at once. */
	KUNIT_EXPECT_EQ(test, mem_sampling_set_budget(0), 0);
	KUNIT_EXPECT_EQ(test, mem_sampling_get_effective_interval(), 256);
	KUNIT_EXPECT_EQ(test, kp->last_config.interval, 256);

	/* Sampling off: the governor stops. */
	KUNIT_ASSERT_EQ(test, mem_sampling_set_enabled(false), 0);
	KUNIT_EXPECT_FALSE(test, mem_sampling_budget_window(0, NSEC_PER_SEC,
							    &budget));
	mem_sampling_unregister_provider(provider);
}

static struct kunit_case mem_sampling_test_cases[] = {
	KUNIT_CASE(mem_sampling_test_dispatch_order),
	KUNIT_CASE(mem_sampling_test_drop_accounting),
	KUNIT_CASE(mem_sampling_test_enable_disable),
	KUNIT_CASE(mem_sampling_test_process_filter),
	KUNIT_CASE(mem_sampling_test_sched_switch),
	KUNIT_CASE(mem_sampling_test_context_attribution),
	KUNIT_CASE(mem_sampling_test_config),
	KUNIT_CASE(mem_sampling_test_update_config),
	KUNIT_CASE(mem_sampling_test_interval_shift),
	KUNIT_CASE(mem_sampling_test_budget_decision),
	KUNIT_CASE(mem_sampling_test_budget_interval),
	KUNIT_CASE(mem_sampling_test_pause),
	KUNIT_CASE(mem_sampling_test_provider_swap_under_load),
	KUNIT_CASE(mem_sampling_test_consumer_under_load),
	{},
};

static struct kunit_suite mem_sampling_test_suite = {
	.name = "mem_sampling",
	.init = mem_sampling_kunit_init,
	.exit = mem_sampling_kunit_exit,
	.test_cases = mem_sampling_test_cases,
};

kunit_test_suite(mem_sampling_test_suite);

#endif /* _MEM_SAMPLING_KUNIT_TEST_H */
