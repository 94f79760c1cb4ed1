// SPDX-License-Identifier: MIT
/*
 * Where a model comes from: the built-in models and their registry, or a cfg
 * file. The cfg texts of the built-ins are linked into the binary
 * (workloads/models.S) so convprof needs no data files at run time. Parsing
 * is cfg.c, shaping model.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workloads/model.h"
#include "util/util.h"

/* The largest cfg file read: real ones are tens of KiB. */
#define CFG_MAX_BYTES (16 << 20)

/* workloads/models.S: the cfg files, each NUL-terminated */
extern const char model_cfg_resnet50[];
extern const char model_cfg_yolov3[];

struct builtin {
	const char *name;
	const char *description;
	const char *text;
};

static const struct builtin builtins[] = {
	{ "resnet50", "ResNet-50 v1.5 (torchvision), the ImageNet classifier",
	  model_cfg_resnet50 },
	{ "yolov3", "YOLOv3 (darknet), Darknet-53 backbone and 3 detection scales",
	  model_cfg_yolov3 },
};

const char *const model_builtin_names[] = { "resnet50", "yolov3", NULL };

static const struct builtin *builtin_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(builtins); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const char *model_builtin_description(const char *name)
{
	const struct builtin *b = builtin_find(name);

	return b ? b->description : NULL;
}

int model_load_file(const char *path, struct model *m)
{
	struct stat st;
	char *buf = NULL;
	ssize_t got;
	size_t n = 0;
	int fd, err = 0;

	memset(m, 0, sizeof(*m));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cp_error(-errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = cp_error(-errno, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CFG_MAX_BYTES) {
		err = cp_error(-EINVAL, "'%s' is not a cfg file (%s)", path,
			       S_ISREG(st.st_mode) ? "larger than 16 MiB" : "not a regular file");
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (n < (size_t)st.st_size) {
		got = read(fd, buf + n, (size_t)st.st_size - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = cp_error(-errno, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		err = cp_error(-EINVAL, "'%s' is not a cfg file (binary data)", path);
		goto out;
	}
	err = model_parse(buf, path, m);
out:
	free(buf);
	close(fd);
	return err;
}

int model_load_builtin(const char *name, struct model *m)
{
	const struct builtin *b = builtin_find(name);
	int err;

	memset(m, 0, sizeof(*m));
	if (!b)
		return cp_error(-ENOENT, "no built-in model '%s'", name);
	err = model_parse(b->text, name, m);
	if (err)
		return err;
	snprintf(m->name, sizeof(m->name), "%s", b->name);
	snprintf(m->source, sizeof(m->source), "built-in");
	return 0;
}

int model_load(const char *name_or_path, struct model *m)
{
	const char *hint;
	char names[128] = "";
	int i;

	if (builtin_find(name_or_path))
		return model_load_builtin(name_or_path, m);
	/* anything that looks like a file name is one */
	if (strchr(name_or_path, '/') || strchr(name_or_path, '.') ||
	    access(name_or_path, F_OK) == 0)
		return model_load_file(name_or_path, m);

	memset(m, 0, sizeof(*m));
	for (i = 0; model_builtin_names[i]; i++) {
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", model_builtin_names[i]);
	}
	hint = closest_name(name_or_path, model_builtin_names, -1, 3);
	if (hint)
		return cp_error(-ENOENT, "unknown model '%s' (did you mean '%s'?)",
				name_or_path, hint);
	return cp_error(-ENOENT, "unknown model '%s': neither a built-in model (%s) nor a cfg file",
			name_or_path, names);
}
