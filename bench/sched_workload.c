// SPDX-License-Identifier: GPL-2.0
/*
 * sched-workload: what context switches cost, to compare a kernel with a
 * per-context-switch hook on and off.  Each workload prints one line of
 * key=value pairs on stdout:
 *
 *   pingpong   two processes pinned to one CPU pass a byte back and forth
 *              over two pipes: the time per switch
 *   hackbench  as perf bench sched messaging: in each of GROUPS groups,
 *              20 senders write LOOPS 100-byte messages to each of 20
 *              receivers, over a pipe or an AF_UNIX stream socket per
 *              receiver: messages per second until the last receiver exits
 *   tbench     as netperf TCP_RR: CLIENTS processes doing request/response
 *              transactions for SECONDS over loopback TCP, each answered
 *              by a process the server forks for it: transactions per
 *              second
 *
 * usage: sched-workload pingpong [-c CPU] [-n ROUNDS]
 *        sched-workload hackbench [-g GROUPS] [-l LOOPS] [-s pipe|socket]
 *        sched-workload tbench [-c CLIENTS] [-t SECONDS] [-r REQ_BYTES]
 *                              [-R RESP_BYTES]
 *
 * Exits 1 on an error, named on stderr, with all its processes reaped;
 * 2 if tbench finds no IPv4 loopback (no networking, or lo down).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KIDS	4096
#define GROUP_SIZE	20	/* senders, and receivers, in a group */
#define MSG_SIZE	100
#define MAX_GROUPS	100
#define MAX_CLIENTS	256	/* their counts fit a one-page pipe */
#define MAX_BYTES	1048576
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

static struct {
	pid_t pid;
	int timed;		/* the last one's exit ends the run */
} kids[MAX_KIDS];
static int nkids;
static const char *mode = "";

/* tbench's options */
static long clients = 8, seconds = 5, req_bytes = 64, resp_bytes = 256;

/* Children wait at a gate, opened once all are ready: a start barrier. */
struct gate {
	int ready[2];		/* a byte from each child */
	int go[2];		/* closed by the parent to start them */
};

static void kill_kids(void)
{
	int i;

	for (i = 0; i < nkids; i++)
		kill(kids[i].pid, SIGKILL);
	for (i = 0; i < nkids; i++)
		while (waitpid(kids[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
	nkids = 0;
}

static void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* One write, not mixed with other processes' messages */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "sched-workload %s: %s\n", mode, msg);
	kill_kids();
	exit(1);
}

/* errno 0 is read_full()'s early end of file. */
static void __noreturn die_sys(const char *what)
{
	die("%s: %s", what, errno ? strerror(errno) : "unexpected end of file");
}

static void __noreturn bad_usage(void)
{
	fputs("usage: sched-workload pingpong [-c CPU] [-n ROUNDS]\n"
	      "       sched-workload hackbench [-g GROUPS] [-l LOOPS]\n"
	      "                                [-s pipe|socket]\n"
	      "       sched-workload tbench [-c CLIENTS] [-t SECONDS]\n"
	      "                             [-r REQ_BYTES] [-R RESP_BYTES]\n",
	      stderr);
	exit(1);
}

static long number(const char *arg, long min, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		die("%s must be %ld-%ld, not '%s'", what, min, max, arg);
	return v;
}

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die_sys("clock_gettime");
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read exactly @n bytes: @n, fewer at end of file (errno 0), or -1. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = read(fd, (char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = 0;
			break;
		}
		done += r;
	}
	return done;
}

/* Write exactly @n bytes: 0, or -1 on an error. */
static int write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = write(fd, (const char *)buf + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		done += r;
	}
	return 0;
}

static void xclose(int fd)
{
	if (close(fd))
		die_sys("close");
}

/* fork(): 0 in the child, which forgets its parent's children. */
static pid_t spawn(int timed)
{
	pid_t parent = getpid(), pid;

	if (nkids == MAX_KIDS)
		die("more than %d processes", MAX_KIDS);
	pid = fork();
	if (pid < 0)
		die_sys("fork");
	if (pid > 0) {
		kids[nkids].pid = pid;
		kids[nkids++].timed = timed;
		return pid;
	}
	nkids = 0;
	/* Die with the parent: no error leaves orphans running. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		die_sys("prctl PR_SET_PDEATHSIG");
	if (getppid() != parent)
		exit(1);
	return 0;
}

/*
 * Wait for every child, any failure killing the rest.  Returns when the
 * last timed child was reaped (now if there is none).
 */
static double reap_kids(void)
{
	double end = 0;
	int status, i;
	pid_t pid;

	while (nkids) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			die_sys("waitpid");
		for (i = 0; i < nkids && kids[i].pid != pid; i++)
			;
		if (i == nkids)
			continue;
		if (kids[i].timed)
			end = now();
		kids[i] = kids[--nkids];
		if (WIFSIGNALED(status))
			die("child %d killed by signal %d", pid,
			    WTERMSIG(status));
		if (WEXITSTATUS(status))
			die("child %d exited with status %d", pid,
			    WEXITSTATUS(status));
	}
	return end ? end : now();
}

/* In a child: say it is ready, wait for the parent to close go. */
static void gate_wait(struct gate *g)
{
	char c = 0;

	xclose(g->ready[0]);
	xclose(g->go[1]);
	if (write_full(g->ready[1], &c, 1))
		die_sys("write ready");
	xclose(g->ready[1]);
	if (read_full(g->go[0], &c, 1) < 0)
		die_sys("read go");
	xclose(g->go[0]);
}

/* Wait for @n children to be ready and start them: the start time. */
static double gate_open(struct gate *g, long n)
{
	double start;
	char c;

	xclose(g->ready[1]);
	xclose(g->go[0]);
	while (n--)
		if (read_full(g->ready[0], &c, 1) != 1)
			die_sys("read ready");
	xclose(g->ready[0]);
	start = now();
	xclose(g->go[1]);
	return start;
}

/* Send a byte on @out and wait for one on @in, @n times. */
static void bounce(int out, int in, long n)
{
	char c = 0;

	while (n--)
		if (write_full(out, &c, 1) || read_full(in, &c, 1) != 1)
			die_sys("pipe");
}

static void pingpong(int argc, char **argv)
{
	long cpu = 0, rounds = 200000;
	int ab[2], ba[2], opt;
	double start, secs;
	char c;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "c:n:")) != -1) {
		if (opt == 'c')
			cpu = number(optarg, 0, CPU_SETSIZE - 1, "CPU");
		else if (opt == 'n')
			rounds = number(optarg, 1, 1000000000, "ROUNDS");
		else
			bad_usage();
	}
	if (optind != argc)
		bad_usage();
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity CPU %ld: %s", cpu, strerror(errno));
	if (pipe(ab) || pipe(ba))
		die_sys("pipe");
	if (spawn(0) == 0) {
		xclose(ab[1]);
		xclose(ba[0]);
		/* An echo: the warm-up round's and the timed rounds' bytes. */
		if (read_full(ab[0], &c, 1) != 1)
			die_sys("pipe");
		bounce(ba[1], ab[0], rounds);
		if (write_full(ba[1], &c, 1))
			die_sys("pipe");
		exit(0);
	}
	xclose(ab[0]);
	xclose(ba[1]);
	bounce(ab[1], ba[0], 1);
	start = now();
	bounce(ab[1], ba[0], rounds);
	secs = now() - start;
	xclose(ab[1]);
	xclose(ba[0]);
	reap_kids();
	printf("workload=%s cpu=%ld rounds=%ld seconds=%.6f", mode, cpu,
	       rounds, secs);
	printf(" ns_per_switch=%.1f switches=%ld\n",
	       secs * 1e9 / (2 * rounds), 2 * rounds);
}

/* A group's senders and receivers; @rd[i] is written through @wr[i]. */
static void hackbench_group(struct gate *g, int *rd, int *wr, long loops)
{
	char msg[MSG_SIZE] = { 0 };
	long i;
	int j;

	for (j = 0; j < GROUP_SIZE; j++) {
		if (spawn(1))
			continue;
		gate_wait(g);
		for (i = 0; i < GROUP_SIZE * loops; i++)
			if (read_full(rd[j], msg, MSG_SIZE) != MSG_SIZE)
				die_sys("receiver read");
		exit(0);
	}
	for (j = 0; j < GROUP_SIZE; j++) {
		if (spawn(0))
			continue;
		gate_wait(g);
		for (i = 0; i < loops * GROUP_SIZE; i++)
			if (write_full(wr[i % GROUP_SIZE], msg, MSG_SIZE))
				die_sys("sender write");
		exit(0);
	}
}

static void hackbench(int argc, char **argv)
{
	int rd[GROUP_SIZE], wr[GROUP_SIZE], fds[2], i, opt, sock = 0;
	long groups = 4, loops = 100, g, msgs;
	double start, secs;
	struct gate gate;

	while ((opt = getopt(argc, argv, "g:l:s:")) != -1) {
		if (opt == 'g')
			groups = number(optarg, 1, MAX_GROUPS, "GROUPS");
		else if (opt == 'l')
			loops = number(optarg, 1, 100000000, "LOOPS");
		else if (opt == 's' && !strcmp(optarg, "socket"))
			sock = 1;
		else if (opt != 's' || strcmp(optarg, "pipe"))
			bad_usage();
	}
	if (optind != argc)
		bad_usage();
	if (pipe(gate.ready) || pipe(gate.go))
		die_sys("pipe");
	for (g = 0; g < groups; g++) {
		for (i = 0; i < GROUP_SIZE; i++) {
			if (sock ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) :
			    pipe(fds))
				die_sys(sock ? "socketpair" : "pipe");
			rd[i] = fds[0];
			wr[i] = fds[1];
		}
		hackbench_group(&gate, rd, wr, loops);
		for (i = 0; i < GROUP_SIZE; i++) {
			xclose(rd[i]);
			xclose(wr[i]);
		}
	}
	start = gate_open(&gate, groups * 2 * GROUP_SIZE);
	secs = reap_kids() - start;
	msgs = groups * GROUP_SIZE * GROUP_SIZE * loops;
	printf("workload=%s groups=%ld loops=%ld transport=%s tasks=%ld",
	       mode, groups, loops, sock ? "socket" : "pipe",
	       groups * 2 * GROUP_SIZE);
	printf(" messages=%ld seconds=%.6f messages_per_s=%.0f\n",
	       msgs, secs, msgs / secs);
}

/* No IPv4 loopback (a kernel without networking, or lo down): exit 2. */
static void __noreturn no_net(const char *what)
{
	fprintf(stderr, "sched-workload %s: %s 127.0.0.1: %s %s\n", mode, what,
		strerror(errno), "(no IPv4 networking, or lo down?)");
	kill_kids();
	exit(2);
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die_sys("setsockopt TCP_NODELAY");
}

/* A socket listening on 127.0.0.1, its address (an ephemeral port) in @sa. */
static int tcp_listen(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		no_net("socket AF_INET");
	if (bind(fd, (struct sockaddr *)sa, sizeof(*sa)))
		no_net("bind");
	if (listen(fd, clients) || getsockname(fd, (struct sockaddr *)sa, &len))
		die_sys("listen");
	return fd;
}

/* A connection to @sa, with TCP_NODELAY. */
static int tcp_connect(const struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die_sys("socket");
	/* Linux resumes an interrupted blocking connect(): EISCONN after. */
	while (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)))
		if (errno == ENETUNREACH)
			no_net("connect");
		else if (errno == EISCONN)
			break;
		else if (errno != EINTR)
			die_sys("connect");
	nodelay(fd);
	return fd;
}

/*
 * Accepts a connection per client, each served by a process of its own
 * answering requests until the client closes the connection.
 */
static void __noreturn server(int lfd, char *req, char *resp)
{
	long accepted = 0;
	ssize_t r;
	int fd;

	while (accepted < clients) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0 && (errno == EINTR || errno == ECONNABORTED))
			continue;
		if (fd < 0)
			die_sys("accept");
		accepted++;
		if (spawn(0)) {
			xclose(fd);
			continue;
		}
		xclose(lfd);
		nodelay(fd);
		while ((r = read_full(fd, req, req_bytes)) == req_bytes)
			if (write_full(fd, resp, resp_bytes))
				die_sys("handler write");
		if (r)
			die_sys("handler read");
		exit(0);
	}
	xclose(lfd);
	reap_kids();
	exit(0);
}

static void transact(int fd, char *req, char *resp)
{
	if (write_full(fd, req, req_bytes))
		die_sys("client write");
	if (read_full(fd, resp, resp_bytes) != resp_bytes)
		die_sys("client read");
}

/* Counts transactions on @fd for @seconds from the start. */
static void __noreturn client(struct gate *g, int result, int fd, char *req,
			      char *resp)
{
	unsigned long long n = 0;
	double end;

	/* Warm up: the server's process runs by the time the gate opens. */
	transact(fd, req, resp);
	gate_wait(g);
	end = now() + seconds;
	do {
		transact(fd, req, resp);
		n++;
	} while (now() < end);
	xclose(fd);
	if (write_full(result, &n, sizeof(n)))
		die_sys("write result");
	exit(0);
}

static void tbench_options(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "c:t:r:R:")) != -1) {
		if (opt == 'c')
			clients = number(optarg, 1, MAX_CLIENTS, "CLIENTS");
		else if (opt == 't')
			seconds = number(optarg, 1, 3600, "SECONDS");
		else if (opt == 'r')
			req_bytes = number(optarg, 1, MAX_BYTES, "REQ_BYTES");
		else if (opt == 'R')
			resp_bytes = number(optarg, 1, MAX_BYTES, "RESP_BYTES");
		else
			bad_usage();
	}
	if (optind != argc)
		bad_usage();
}

static void tbench(int argc, char **argv)
{
	int conn[MAX_CLIENTS], lfd, res[2], i, j;
	unsigned long long n, total = 0;
	struct sockaddr_in sa;
	double start, secs;
	char *req, *resp;
	struct gate g;

	tbench_options(argc, argv);
	req = calloc(1, req_bytes);
	resp = calloc(1, resp_bytes);
	if (!req || !resp)
		die("out of memory");
	lfd = tcp_listen(&sa);
	if (spawn(0) == 0)
		server(lfd, req, resp);
	xclose(lfd);
	for (i = 0; i < clients; i++)
		conn[i] = tcp_connect(&sa);
	if (pipe(g.ready) || pipe(g.go) || pipe(res))
		die_sys("pipe");
	for (i = 0; i < clients; i++) {
		if (spawn(1) == 0) {
			/* Others' copies would keep their handlers from EOF */
			for (j = i + 1; j < clients; j++)
				xclose(conn[j]);
			xclose(res[0]);
			client(&g, res[1], conn[i], req, resp);
		}
		xclose(conn[i]);
	}
	xclose(res[1]);
	start = gate_open(&g, clients);
	secs = reap_kids() - start;
	for (i = 0; i < clients; i++) {
		if (read_full(res[0], &n, sizeof(n)) != (ssize_t)sizeof(n))
			die_sys("read result");
		total += n;
	}
	xclose(res[0]);
	printf("workload=%s clients=%ld seconds=%.6f transactions=%llu",
	       mode, clients, secs, total);
	printf(" transactions_per_s=%.0f\n", total / secs);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		bad_usage();
	mode = argv[1];
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_sys("signal SIGPIPE");
	if (!strcmp(mode, "pingpong"))
		pingpong(argc - 1, argv + 1);
	else if (!strcmp(mode, "hackbench"))
		hackbench(argc - 1, argv + 1);
	else if (!strcmp(mode, "tbench"))
		tbench(argc - 1, argv + 1);
	else
		bad_usage();
	if (fflush(stdout) == EOF)
		die_sys("stdout");
	return 0;
}
