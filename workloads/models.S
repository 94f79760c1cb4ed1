/* SPDX-License-Identifier: MIT */
/*
 * The built-in models' cfg texts, linked in as NUL-terminated strings so the
 * binary needs no data files. The Makefile rebuilds this object when a cfg
 * changes (the compiler's dependency files do not see .incbin).
 */
	.section .rodata
	.balign 16

	.globl model_cfg_resnet50
	.type model_cfg_resnet50, @object
model_cfg_resnet50:
	.incbin "workloads/models/resnet50.cfg"
	.byte 0
	.size model_cfg_resnet50, . - model_cfg_resnet50

	.globl model_cfg_yolov3
	.type model_cfg_yolov3, @object
model_cfg_yolov3:
	.incbin "workloads/models/yolov3.cfg"
	.byte 0
	.size model_cfg_yolov3, . - model_cfg_yolov3

	.section .note.GNU-stack, "", @progbits
