// SPDX-License-Identifier: MIT
/*
 * Memory descriptors and the names users know them by. oneDNN 2.6 has no
 * descriptor-to-tag function, so a format is named by building candidates
 * and comparing: first the names users know (nChw16c, OIhw16i16o), then
 * every tag oneDNN has (aBcd16b style).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dnnl_debug.h>

#include "workloads/net-internal.h"
#include "util/util.h"

struct tag_name {
	dnnl_format_tag_t tag;
	const char *name;
	int ndims;
};

#define T(t, nd) { dnnl_##t, #t, nd }
static const struct tag_name data_names[] = {
	T(nchw, 4), T(nhwc, 4), T(chwn, 4), T(nChw16c, 4), T(nChw8c, 4),
	T(nChw4c, 4), T(nChw32c, 4), T(NChw16n16c, 4), T(NChw32n16c, 4),
	T(NChw32n32c, 4), T(nc, 2), T(cn, 2), T(x, 1),
};

static const struct tag_name weight_names[] = {
	T(oihw, 4), T(ohwi, 4), T(ihwo, 4), T(iohw, 4), T(hwio, 4),
	T(OIhw16i16o, 4), T(OIhw16o16i, 4), T(Ohwi16o, 4), T(OhwI16o2i, 4),
	T(OhwI16o4i, 4), T(Ohwi32o, 4), T(Ohwi8o, 4), T(Oihw16o, 4),
	T(OIhw16i32o, 4), T(OIhw16i64o, 4), T(OIhw4i16o4i, 4),
	T(OIhw4i32o4i, 4), T(OIhw4i64o4i, 4), T(OIhw16i16o4i, 4),
	T(OIhw16i16o2i, 4), T(OIhw8i16o2i, 4), T(OIhw8i32o2i, 4),
	T(OIhw8i64o2i, 4), T(OIhw8i8o, 4), T(OIhw8o8i, 4), T(IOhw16i16o, 4),
	T(IOhw16o16i, 4),
	T(goihw, 5), T(gOIhw16i16o, 5), T(gOIhw16o16i, 5), T(gOhwi16o, 5),
	T(gOIhw4i16o4i, 5), T(gOIhw8i16o2i, 5), T(gOIhw8i8o, 5),
	T(Goihw16g, 5), T(Goihw8g, 5),
	T(oi, 2), T(io, 2), T(x, 1),
};
#undef T

dnnl_format_tag_t layout_tag(enum cp_layout l)
{
	return l == LAYOUT_NCHW ? dnnl_nchw :
	       l == LAYOUT_NHWC ? dnnl_nhwc : dnnl_format_tag_any;
}

int md_init(dnnl_memory_desc_t *md, int n, int c, int h, int w,
	    dnnl_data_type_t dt, dnnl_format_tag_t tag)
{
	dnnl_dims_t dims = { n, c, h, w };

	return dnnl_memory_desc_init_by_tag(md, 4, dims, dt, tag) == dnnl_success ?
	       0 : -EINVAL;
}

size_t md_bytes(const dnnl_memory_desc_t *md)
{
	return md->ndims ? dnnl_memory_desc_get_size(md) : 0;
}

int md_same(const dnnl_memory_desc_t *a, const dnnl_memory_desc_t *b)
{
	return dnnl_memory_desc_equal(a, b);
}

static int md_is(const dnnl_memory_desc_t *md, dnnl_format_tag_t tag)
{
	dnnl_memory_desc_t cand;

	if (dnnl_memory_desc_init_by_tag(&cand, md->ndims, md->dims, md->data_type,
					 tag) != dnnl_success)
		return 0;
	return dnnl_memory_desc_equal(&cand, md);
}

/*
 * int8 weights carry a compensation (extra flags) that no tag describes; the
 * layout is named without it.
 */
void md_name(const dnnl_memory_desc_t *md, int weights, char *buf, size_t len)
{
	const struct tag_name *names = weights ? weight_names : data_names;
	size_t k, nnames = weights ? ARRAY_SIZE(weight_names) : ARRAY_SIZE(data_names);
	dnnl_memory_desc_t plain;
	int tag;

	buf[0] = '\0';
	if (!md || md->ndims == 0)
		return;
	if (md->format_kind != dnnl_blocked) {
		snprintf(buf, len, "%s", md->format_kind == dnnl_format_kind_any ?
			 "any" : "opaque");
		return;
	}
	plain = *md;
	memset(&plain.extra, 0, sizeof(plain.extra));
	for (k = 0; k < nnames; k++)
		if (names[k].ndims == md->ndims && md_is(&plain, names[k].tag)) {
			snprintf(buf, len, "%s", names[k].name);
			return;
		}
	for (tag = dnnl_a; tag < dnnl_format_tag_last; tag++)
		if (md_is(&plain, (dnnl_format_tag_t)tag)) {
			snprintf(buf, len, "%s", dnnl_fmt_tag2str((dnnl_format_tag_t)tag));
			return;
		}
	snprintf(buf, len, "blocked");
}

const char *dt_name(dnnl_data_type_t dt)
{
	switch (dt) {
	case dnnl_f32: return "f32";
	case dnnl_bf16: return "bf16";
	case dnnl_u8: return "u8";
	case dnnl_s8: return "s8";
	case dnnl_s32: return "s32";
	default: return "?";
	}
}

int dnnl_fail(dnnl_status_t s, const char *what, const char *name)
{
	return cp_error(-EINVAL, "oneDNN cannot create the %s for '%s': %s",
			what, name, dnnl_status2str(s));
}
