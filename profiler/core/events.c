// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* linux/perf_event.h (via events.h) first: libpfm4 skips its own copy then */
#include "core/events.h"
#include <perfmon/pfmlib_perf_event.h>

#include "util/util.h"

const char *const cp_friendly_events[] = {
	"cycles", "instructions", "cache-references", "cache-misses",
	"L1-dcache-load-misses", "LLC-load-misses", "dTLB-load-misses",
	"branch-misses", "task-clock", "page-faults", "context-switches",
	"cpu-migrations", "cpu-clock", NULL,
};

int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu,
			int group_fd, unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

int events_pfm_init(void)
{
	static int done, ret;

	if (!done) {
		done = 1;
		if (pfm_initialize() != PFM_SUCCESS)
			ret = cp_error(-ENODEV, "libpfm4 could not initialise");
	}
	return ret;
}

static int add_event(struct event_list *l, const char *start, size_t len,
		     int group)
{
	struct event_spec *e;

	while (len && (*start == ' ' || *start == '\t')) {
		start++;
		len--;
	}
	while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	if (!len)
		return cp_error(-EINVAL, "empty event name in the event list");
	if (l->n >= CP_MAX_EVENTS)
		return cp_error(-EINVAL, "too many events (at most %d)", CP_MAX_EVENTS);
	if (len >= sizeof(l->ev[0].name))
		return cp_error(-EINVAL, "event name '%.*s...' is too long", 40, start);
	e = &l->ev[l->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, start, len);
	e->name[len] = '\0';
	e->group = group;
	return 0;
}

int event_list_parse(const char *s, struct event_list *l)
{
	const char *p = s, *start = s;
	int in_group = 0, err, i, j;

	memset(l, 0, sizeof(*l));
	if (!s || !*s)
		return cp_error(-EINVAL, "the event list is empty");
	for (;; p++) {
		if (*p == '{') {
			if (in_group || p != start)
				return cp_error(-EINVAL, "unexpected '{' in event list '%s'", s);
			in_group = 1;
			start = p + 1;
			continue;
		}
		if (*p == '}') {
			if (!in_group)
				return cp_error(-EINVAL, "unbalanced '}' in event list '%s'", s);
			err = add_event(l, start, (size_t)(p - start), l->ngroups);
			if (err)
				return err;
			in_group = 0;
			l->ngroups++;
			/* only a separator or the end may follow a group */
			if (p[1] && p[1] != ',')
				return cp_error(-EINVAL, "expected ',' after '}' in event list '%s'", s);
			if (p[1] == ',')
				p++;
			if (!p[1])
				break;
			start = p + 1;
			continue;
		}
		if (*p == ',' || !*p) {
			if (in_group && !*p)
				return cp_error(-EINVAL, "unbalanced '{' in event list '%s'", s);
			err = add_event(l, start, (size_t)(p - start),
					in_group ? l->ngroups : l->ngroups++);
			if (err)
				return err;
			if (!*p)
				break;
			start = p + 1;
		}
	}
	for (i = 0; i < l->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(l->ev[i].name, l->ev[j].name) == 0)
				return cp_error(-EINVAL, "event '%s' is listed twice",
						l->ev[i].name);
	return 0;
}

static void set_pmu_name(struct event_spec *e, int pmu_idx)
{
	pfm_pmu_info_t info;

	if (e->attr.type == PERF_TYPE_SOFTWARE) {
		snprintf(e->pmu, sizeof(e->pmu), "software");
		return;
	}
	if (e->attr.type == PERF_TYPE_HARDWARE ||
	    e->attr.type == PERF_TYPE_HW_CACHE) {
		snprintf(e->pmu, sizeof(e->pmu), "hardware");
		return;
	}
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	if (pfm_get_pmu_info(pmu_idx, &info) == PFM_SUCCESS && info.name)
		snprintf(e->pmu, sizeof(e->pmu), "%s", info.name);
	else
		snprintf(e->pmu, sizeof(e->pmu), "raw");
}

static int encode_one(struct event_spec *e)
{
	pfm_perf_encode_arg_t arg;
	pfm_event_info_t info;
	char *fstr = NULL;
	const char *hint;
	int ret;

	memset(&e->attr, 0, sizeof(e->attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &e->attr;
	arg.size = sizeof(arg);
	arg.fstr = &fstr;
	/* user and kernel, as perf stat counts by default; ":u" narrows it */
	ret = pfm_get_os_event_encoding(e->name, PFM_PLM0 | PFM_PLM3,
					PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		hint = closest_name(e->name, cp_friendly_events, -1, 3);
		if (ret == PFM_ERR_NOTFOUND && hint)
			return cp_error(-ENOENT, "unknown event '%s'; did you mean '%s'? (see 'convprof list events')",
					e->name, hint);
		if (ret == PFM_ERR_NOTFOUND)
			return cp_error(-ENOENT, "unknown event '%s' (see 'convprof list events --all')",
					e->name);
		return cp_error(-EINVAL, "cannot encode event '%s': %s", e->name,
				pfm_strerror(ret));
	}
	snprintf(e->fstr, sizeof(e->fstr), "%s", fstr ? fstr : e->name);
	free(fstr);
	e->attr.size = sizeof(e->attr);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	set_pmu_name(e, pfm_get_event_info(arg.idx, PFM_OS_NONE, &info) ==
				PFM_SUCCESS ? (int)info.pmu : -1);
	return 0;
}

int event_list_encode(struct event_list *l)
{
	int i, err;

	err = events_pfm_init();
	if (err)
		return err;
	for (i = 0; i < l->n; i++) {
		err = encode_one(&l->ev[i]);
		if (err)
			return err;
	}
	return 0;
}

int have_cpu_pmu(void)
{
	struct stat st;

	/* Intel and AMD core PMUs both register as "cpu"; hybrid Intel as cpu_core */
	return stat("/sys/bus/event_source/devices/cpu", &st) == 0 ||
	       stat("/sys/bus/event_source/devices/cpu_core", &st) == 0;
}

static int read_int_file(const char *path, int *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%d", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

const char *perf_open_strerror(int err, const struct perf_event_attr *attr,
			       char *buf, size_t len)
{
	int hw = attr->type != PERF_TYPE_SOFTWARE &&
		 attr->type != PERF_TYPE_TRACEPOINT;
	int paranoid = 2;

	switch (err) {
	case ENOENT:
	case ENODEV:
		if (hw && !have_cpu_pmu())
			snprintf(buf, len, "no hardware PMU is exposed to this machine (no cpu PMU in /sys/bus/event_source/devices)");
		else
			snprintf(buf, len, "this CPU's PMU does not have this event");
		break;
	case EACCES:
	case EPERM:
		read_int_file("/proc/sys/kernel/perf_event_paranoid", &paranoid);
		snprintf(buf, len, "no permission (perf_event_paranoid is %d): run as root, grant CAP_PERFMON, or lower /proc/sys/kernel/perf_event_paranoid",
			 paranoid);
		break;
	case EOPNOTSUPP:
		snprintf(buf, len, "the PMU cannot count this event in this mode here");
		break;
	case EBUSY:
		snprintf(buf, len, "the counter is taken by another user (NMI watchdog or another profiler)");
		break;
	case EMFILE:
		snprintf(buf, len, "too many open files: raise 'ulimit -n'");
		break;
	case EINVAL:
		snprintf(buf, len, "the kernel rejected the event's encoding for this PMU");
		break;
	default:
		snprintf(buf, len, "perf_event_open failed: %s", strerror(err));
	}
	return buf;
}

void event_list_probe(struct event_list *l)
{
	int i, fd;

	for (i = 0; i < l->n; i++) {
		struct event_spec *e = &l->ev[i];
		struct perf_event_attr attr = e->attr;

		attr.disabled = 1;
		fd = sys_perf_event_open(&attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0 && (errno == EACCES || errno == EPERM) &&
		    !attr.exclude_kernel) {
			/* unprivileged: user space only is still worth counting */
			attr.exclude_kernel = attr.exclude_hv = 1;
			fd = sys_perf_event_open(&attr, 0, -1, -1,
						 PERF_FLAG_FD_CLOEXEC);
			if (fd >= 0)
				e->attr = attr;
		}
		if (fd >= 0) {
			e->supported = 1;
			e->reason[0] = '\0';
			close(fd);
		} else {
			e->supported = 0;
			perf_open_strerror(errno, &attr, e->reason, sizeof(e->reason));
		}
	}
}

int event_list_init(struct event_list *l, const char *s)
{
	int err = event_list_parse(s, l);

	if (!err)
		err = event_list_encode(l);
	if (!err)
		event_list_probe(l);
	return err;
}

const char *backend_name(enum cp_backend b)
{
	switch (b) {
	case BACKEND_RDPMC:
		return "rdpmc";
	case BACKEND_READ:
		return "read";
	default:
		return "software";
	}
}

enum cp_backend backend_probe(char *why, size_t len)
{
	struct perf_event_attr attr;
	struct perf_event_mmap_page *pc;
	enum cp_backend b;
	int fd, rdpmc_sysfs = 1;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_HARDWARE;
	attr.config = PERF_COUNT_HW_INSTRUCTIONS;
	attr.exclude_kernel = 1;
	fd = sys_perf_event_open(&attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		char r[200];

		perf_open_strerror(errno, &attr, r, sizeof(r));
		snprintf(why, len, "hardware events cannot be counted: %s", r);
		return BACKEND_SOFTWARE;
	}
	pc = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);
	if (pc == MAP_FAILED) {
		snprintf(why, len, "hardware events open but their page cannot be mapped (%s): read(2)",
			 strerror(errno));
		close(fd);
		return BACKEND_READ;
	}
	read_int_file("/sys/bus/event_source/devices/cpu/rdpmc", &rdpmc_sysfs);
	if (pc->cap_user_rdpmc) {
		b = BACKEND_RDPMC;
		snprintf(why, len, "hardware counters read in user space with rdpmc");
	} else {
		b = BACKEND_READ;
		snprintf(why, len, "rdpmc is not allowed here (cap_user_rdpmc is 0%s): counters are read with read(2)",
			 rdpmc_sysfs == 0 ? ", /sys/bus/event_source/devices/cpu/rdpmc is 0" : "");
	}
	munmap(pc, (size_t)sysconf(_SC_PAGESIZE));
	close(fd);
	return b;
}
