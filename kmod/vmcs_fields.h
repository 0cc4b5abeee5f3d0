/* SPDX-License-Identifier: GPL-2.0 */
/* Table of the VMCS fields the module uses, with their declared widths. */
#ifndef DUNE_VMCS_FIELDS_H
#define DUNE_VMCS_FIELDS_H

#include "vmx_defs.h"

struct vmcs_field_desc {
	const char *name;
	u32 encoding;
	enum vmcs_width width;
};

extern const struct vmcs_field_desc dune_vmcs_fields[];
extern const unsigned int dune_vmcs_nr_fields;

/* 0 if every entry's encoding agrees with its declared width, else -EINVAL */
int dune_vmcs_table_check(void);
const struct vmcs_field_desc *dune_vmcs_field_find(u32 encoding);

#endif
