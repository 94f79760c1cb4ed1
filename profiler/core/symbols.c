// SPDX-License-Identifier: MIT
/*
 * User-stack symbolisation. libelf (elfutils, already linked for libbpf)
 * reads the symbol tables: ELF parsing by hand would be longer and less
 * careful with section and segment bounds than the library.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <oneapi/dnnl/dnnl.h>

#include "core/symbols.h"
#include "util/util.h"

struct sym {
	uint64_t start, end;	/* ELF virtual addresses, or process addresses for JIT */
	char *name;
	int rank;		/* among aliases the lowest wins: sym_rank() */
	int demangled;		/* name was looked at by sym_name() */
};

/* libstdc++'s demangler (the C++ ABI's, extern "C"): the names perf shows */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* A C++ name demangled, once, on first use (libtorch has ~10^5 symbols). */
static const char *sym_name(const struct sym *c)
{
	struct sym *sym = (struct sym *)c;

	if (!sym->demangled) {
		int status = -1;
		char *d = sym->name[0] == '_' && sym->name[1] == 'Z' ?
			  __cxa_demangle(sym->name, NULL, NULL, &status) : NULL;

		sym->demangled = 1;
		if (d && status == 0) {
			free(sym->name);
			sym->name = d;
		} else {
			free(d);
		}
	}
	return sym->name;
}

struct seg {
	uint64_t offset, filesz, vaddr;
};

struct dso {
	char *path;
	char *label;		/* "[libdnnl.so.2]" */
	int loaded;
	struct seg *segs;
	size_t nsegs;
	struct sym *syms;
	size_t nsyms;
};

struct mapping {
	uint64_t start, end, offset;
	struct dso *dso;	/* NULL: anonymous (JIT code, the heap) */
	const char *special;	/* "[vdso]" and the like */
};

struct symbols {
	struct mapping *maps;
	size_t nmaps, amaps;
	struct dso **dsos;
	size_t ndsos, adsos;
	struct sym *jit;	/* the perf map, sorted */
	size_t njit;
};

/*
 * Aliases share an address (getpid, __getpid, __GI___getpid): the public
 * name reads best, so locals lose, then leading underscores, then weak.
 */
static int sym_rank(int binding, const char *name)
{
	return (binding == STB_LOCAL) * 64 + (int)MIN(strspn(name, "_"), 15) * 2 +
	       (binding == STB_WEAK);
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Sort, drop aliases (same start), give unsized symbols the gap to the next. */
static void syms_finish(struct sym *s, size_t *n)
{
	size_t i, out = 0;

	qsort(s, *n, sizeof(*s), sym_cmp);
	for (i = 0; i < *n; i++) {
		if (out && s[out - 1].start == s[i].start) {
			if (s[i].end > s[out - 1].end)
				s[out - 1].end = s[i].end;
			free(s[i].name);
			continue;
		}
		s[out++] = s[i];
	}
	for (i = 0; i < out; i++)
		if (s[i].end <= s[i].start)
			s[i].end = i + 1 < out ? s[i + 1].start : s[i].start + 1;
	*n = out;
}

static const struct sym *syms_find(const struct sym *s, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= s[lo - 1].end)
		return NULL;
	return &s[lo - 1];
}

/* Symbols of table @type (SHT_SYMTAB or SHT_DYNSYM) of @elf; 0 if none. */
static size_t elf_read_syms(Elf *elf, Elf64_Word type, struct dso *d)
{
	size_t alloc = d->nsyms, before = d->nsyms;
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int t;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			t = GELF_ST_TYPE(sym.st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			ALLOC_GROW(d->syms, d->nsyms + 1, alloc);
			d->syms[d->nsyms].start = sym.st_value;
			d->syms[d->nsyms].end = sym.st_value + sym.st_size;
			d->syms[d->nsyms].name = xstrdup(name);
			d->syms[d->nsyms].demangled = 0;
			d->syms[d->nsyms].rank = sym_rank(GELF_ST_BIND(sym.st_info), name);
			d->nsyms++;
		}
	}
	return d->nsyms - before;
}

/* The separate debug file Debian's -dbgsym packages install, by build id. */
static char *debug_file_path(Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const unsigned char *id = (const unsigned char *)data->d_buf + desc_off;
			char path[256];
			size_t i, len;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_descsz < 2 || nh.n_descsz > 64)
				continue;
			len = (size_t)snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%02x/", id[0]);
			for (i = 1; i < nh.n_descsz; i++)
				len += (size_t)snprintf(path + len, sizeof(path) - len, "%02x", id[i]);
			snprintf(path + len, sizeof(path) - len, ".debug");
			return access(path, R_OK) == 0 ? xstrdup(path) : NULL;
		}
	}
	return NULL;
}

static void dso_read_debug_file(struct dso *d, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;

	if (fd < 0)
		return;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf)
		elf_read_syms(elf, SHT_SYMTAB, d);
	elf_end(elf);
	close(fd);
}

/* Read @d's segments and symbols; a file that cannot be read keeps none. */
static void dso_load(struct dso *d)
{
	Elf *elf = NULL;
	char *debug = NULL;
	size_t i, nph = 0, alloc = 0;
	int fd;

	d->loaded = 1;
	fd = open(d->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &nph))
		goto out;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		ALLOC_GROW(d->segs, d->nsegs + 1, alloc);
		d->segs[d->nsegs++] = (struct seg){ ph.p_offset, ph.p_filesz, ph.p_vaddr };
	}
	if (!elf_read_syms(elf, SHT_SYMTAB, d)) {
		debug = debug_file_path(elf);
		if (debug)
			dso_read_debug_file(d, debug);
		if (!d->nsyms)
			elf_read_syms(elf, SHT_DYNSYM, d);
	}
	syms_finish(d->syms, &d->nsyms);
out:
	free(debug);
	elf_end(elf);
	close(fd);
}

static struct dso *dso_get(struct symbols *s, const char *path)
{
	const char *base = strrchr(path, '/');
	struct dso *d;
	size_t i;

	for (i = 0; i < s->ndsos; i++)
		if (strcmp(s->dsos[i]->path, path) == 0)
			return s->dsos[i];
	d = xcalloc(1, sizeof(*d));
	d->path = xstrdup(path);
	d->label = xasprintf("[%s]", base ? base + 1 : path);
	ALLOC_GROW(s->dsos, s->ndsos + 1, s->adsos);
	s->dsos[s->ndsos++] = d;
	return d;
}

static int maps_read(struct symbols *s, pid_t pid, const char *maps)
{
	char path[64], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(maps ? maps : path, "re");
	if (!f)
		return cp_error(-errno, "cannot read '%s': %s", maps ? maps : path,
				strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		char perms[8], file[4096] = "";
		struct mapping *m;
		char *del;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]",
			   &start, &end, perms, &offset, file) < 4)
			continue;
		if (perms[2] != 'x')
			continue;
		ALLOC_GROW(s->maps, s->nmaps + 1, s->amaps);
		m = &s->maps[s->nmaps++];
		memset(m, 0, sizeof(*m));
		m->start = start;
		m->end = end;
		m->offset = offset;
		del = strstr(file, " (deleted)");
		if (del)
			*del = '\0';
		if (file[0] == '/')
			m->dso = dso_get(s, file);
		else if (file[0] == '[')
			m->special = dso_get(s, file)->path;
	}
	fclose(f);
	return 0;
}

/* "START SIZE name" in hex, one per line, as perf reads it. */
static void jit_read(struct symbols *s, pid_t pid)
{
	char path[64], line[1024];
	size_t alloc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, size;
		char name[1024];
		char *p;

		if (sscanf(line, "%llx %llx %1023[^\n]", &start, &size, name) != 3)
			continue;
		for (p = name; *p; p++)
			if (*p == ';')
				*p = ':';	/* ';' separates frames */
		ALLOC_GROW(s->jit, s->njit + 1, alloc);
		s->jit[s->njit++] = (struct sym){ start, start + size, xstrdup(name), 0, 1 };
	}
	fclose(f);
	syms_finish(s->jit, &s->njit);
}

int symbols_open(struct symbols **out, pid_t pid)
{
	return symbols_open_maps(out, pid, NULL);
}

int symbols_open_maps(struct symbols **out, pid_t pid, const char *maps)
{
	struct symbols *s = xcalloc(1, sizeof(*s));
	int err;

	*out = NULL;
	elf_version(EV_CURRENT);
	err = maps_read(s, pid, maps);
	if (err) {
		symbols_close(s);
		return err;
	}
	jit_read(s, pid);
	*out = s;
	return 0;
}

/* /proc/PID/maps lists mappings in address order, which this relies on */
static const struct mapping *mapping_find(const struct symbols *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->maps[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= s->maps[lo - 1].end)
		return NULL;
	return &s->maps[lo - 1];
}

const char *symbols_resolve(struct symbols *s, uint64_t addr)
{
	const struct mapping *m = mapping_find(s, addr);
	const struct sym *sym;
	uint64_t off;
	size_t i;

	if (!m || !m->dso) {
		sym = syms_find(s->jit, s->njit, addr);
		if (sym)
			return sym->name;
		return m && m->special ? m->special : "[unknown]";
	}
	if (!m->dso->loaded)
		dso_load(m->dso);
	/* process address -> file offset -> the ELF address symbols use */
	off = addr - m->start + m->offset;
	for (i = 0; i < m->dso->nsegs; i++) {
		const struct seg *g = &m->dso->segs[i];

		if (off >= g->offset && off < g->offset + g->filesz) {
			sym = syms_find(m->dso->syms, m->dso->nsyms, off - g->offset + g->vaddr);
			if (sym)
				return sym_name(sym);
			break;
		}
	}
	return m->dso->label;
}

void symbols_close(struct symbols *s)
{
	size_t i, j;

	if (!s)
		return;
	for (i = 0; i < s->ndsos; i++) {
		struct dso *d = s->dsos[i];

		for (j = 0; j < d->nsyms; j++)
			free(d->syms[j].name);
		free(d->syms);
		free(d->segs);
		free(d->path);
		free(d->label);
		free(d);
	}
	for (j = 0; j < s->njit; j++)
		free(s->jit[j].name);
	free(s->jit);
	free(s->dsos);
	free(s->maps);
	free(s);
}

int jit_perfmap_begin(struct jit_perfmap *m)
{
	dnnl_status_t st;

	memset(m, 0, sizeof(*m));
	m->pid = getpid();
	snprintf(m->path, sizeof(m->path), "/tmp/perf-%d.map", (int)m->pid);
	/* the user's own choice of JIT profiling wins, and its files are theirs */
	if (getenv("ONEDNN_JIT_PROFILE") || getenv("DNNL_JIT_PROFILE"))
		return 0;
	m->existed = access(m->path, F_OK) == 0;
	st = dnnl_set_jit_profiling_flags(DNNL_JIT_PROFILE_VTUNE |
					  DNNL_JIT_PROFILE_LINUX_PERFMAP);
	if (st != dnnl_success)
		return cp_error(-EINVAL, "oneDNN refused its JIT profiling flags (status %d)",
				(int)st);
	m->enabled = 1;
	return 0;
}

void jit_perfmap_end(struct jit_perfmap *m)
{
	if (!m->enabled)
		return;
	/* VTune's is on by default in oneDNN 2.6 */
	dnnl_set_jit_profiling_flags(DNNL_JIT_PROFILE_VTUNE);
	if (!m->existed)
		unlink(m->path);
	m->enabled = 0;
}
