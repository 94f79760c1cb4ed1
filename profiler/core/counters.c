// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/counters.h"
#include "util/util.h"

double counter_scale(uint64_t count, uint64_t enabled, uint64_t running)
{
	if (running == 0)
		return NAN;
	if (running >= enabled)
		return (double)count;
	return (double)count * ((double)enabled / (double)running);
}

void counter_page_read(const volatile struct perf_event_mmap_page *pc,
		       struct counter_value *v)
{
	pmc_page_read(pc, v);
}

static int is_hardware(const struct perf_event_attr *a)
{
	return a->type != PERF_TYPE_SOFTWARE && a->type != PERF_TYPE_TRACEPOINT;
}

int counter_set_open(struct counter_set *cs, const struct event_list *l,
		     int use_rdpmc)
{
	int i, opened = 0;

	memset(cs, 0, sizeof(*cs));
	cs->n = l->n;
	cs->page_size = (int)sysconf(_SC_PAGESIZE);
	for (i = 0; i < l->n; i++) {
		cs->fd[i] = -1;
		cs->leader[i] = -1;
	}
	for (i = 0; i < l->n; i++) {
		const struct event_spec *e = &l->ev[i];
		struct perf_event_attr attr = e->attr;
		int j, lead = -1, group_fd = -1;

		if (!e->supported)
			continue;
		/* the first opened event of its group leads it */
		for (j = 0; j < i; j++)
			if (l->ev[j].group == e->group && cs->fd[j] >= 0) {
				lead = cs->leader[j];
				break;
			}
		attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
				   PERF_FORMAT_TOTAL_TIME_RUNNING;
		if (lead < 0) {
			int members = 0;

			for (j = i + 1; j < l->n; j++)
				members += l->ev[j].group == e->group && l->ev[j].supported;
			if (members)
				attr.read_format |= PERF_FORMAT_GROUP;
			attr.disabled = 1;
		} else {
			group_fd = cs->fd[lead];
			attr.disabled = 0;
		}
		cs->fd[i] = sys_perf_event_open(&attr, 0, -1, group_fd,
						PERF_FLAG_FD_CLOEXEC);
		if (cs->fd[i] < 0) {
			cs->err[i] = errno;
			continue;
		}
		cs->leader[i] = lead < 0 ? i : lead;
		cs->group_size[cs->leader[i]]++;
		opened++;
		if (use_rdpmc && is_hardware(&attr)) {
			void *p = mmap(NULL, (size_t)cs->page_size, PROT_READ,
				       MAP_SHARED, cs->fd[i], 0);

			if (p != MAP_FAILED) {
				cs->pc[i] = p;
				cs->rdpmc[i] = cs->pc[i]->cap_user_rdpmc;
			}
		}
	}
	/* a group is read with rdpmc only if every member can be */
	for (i = 0; i < l->n; i++)
		if (cs->fd[i] >= 0 && cs->leader[i] == i)
			cs->group_rdpmc[i] = 1;
	for (i = 0; i < l->n; i++)
		if (cs->fd[i] >= 0 && !cs->rdpmc[i])
			cs->group_rdpmc[cs->leader[i]] = 0;
	for (i = 0; i < l->n; i++)
		if (cs->fd[i] >= 0 && cs->leader[i] == i)
			ioctl(cs->fd[i], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	return opened;
}

/* read(2) of a group through its leader: all members at one instant. */
static void read_group(const struct counter_set *cs, int lead,
		       struct counter_value *v)
{
	uint64_t buf[3 + CP_MAX_EVENTS];
	ssize_t n = read(cs->fd[lead], buf, sizeof(buf));
	int i, k = 0;

	if (n < (ssize_t)(3 * sizeof(uint64_t)))
		return;
	for (i = 0; i < cs->n && k < (int)buf[0]; i++) {
		if (cs->fd[i] < 0 || cs->leader[i] != lead)
			continue;
		v[i].count = buf[3 + k++];
		v[i].enabled = buf[1];
		v[i].running = buf[2];
	}
}

void counter_set_read(const struct counter_set *cs, struct counter_value *v)
{
	int i;

	for (i = 0; i < cs->n; i++) {
		uint64_t buf[3];

		if (cs->fd[i] < 0) {
			v[i].count = v[i].enabled = v[i].running = 0;
			continue;
		}
		if (cs->group_rdpmc[cs->leader[i]]) {
			counter_page_read(cs->pc[i], &v[i]);
			continue;
		}
		if (cs->leader[i] == i && cs->group_size[i] > 1) {
			read_group(cs, i, v);
			continue;
		}
		if (cs->leader[i] != i && cs->group_size[cs->leader[i]] > 1)
			continue;	/* filled by its leader's group read */
		if (read(cs->fd[i], buf, sizeof(buf)) == (ssize_t)sizeof(buf)) {
			v[i].count = buf[0];
			v[i].enabled = buf[1];
			v[i].running = buf[2];
		}
	}
}

int counter_set_enable_group(const struct counter_set *cs, int leader, int on)
{
	if (leader < 0 || leader >= cs->n || cs->fd[leader] < 0)
		return -EINVAL;
	if (ioctl(cs->fd[leader], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE,
		  PERF_IOC_FLAG_GROUP) < 0)
		return -errno;
	return 0;
}

void counter_set_close(struct counter_set *cs)
{
	int i;

	for (i = 0; i < cs->n; i++) {
		if (cs->pc[i])
			munmap(cs->pc[i], (size_t)cs->page_size);
		if (cs->fd[i] >= 0)
			close(cs->fd[i]);
		cs->pc[i] = NULL;
		cs->fd[i] = -1;
	}
}
