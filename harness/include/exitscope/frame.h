/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lines that frame the probe's document on L2's status channel (a
 * virtio-serial port read back on L0), and the status line L2's init writes
 * after the probe has exited:
 *
 *   EXITSCOPE-BEGIN
 *   { ...the document... }
 *   EXITSCOPE-END
 *   EXITSCOPE-PROBE-RC <exit status>
 *
 * Each is a whole line; the status line is there even when the probe wrote
 * no document.  Shell scripts spell the same strings.
 */
#ifndef EXITSCOPE_FRAME_H
#define EXITSCOPE_FRAME_H

#define EXSC_FRAME_BEGIN	"EXITSCOPE-BEGIN"
#define EXSC_FRAME_END		"EXITSCOPE-END"
#define EXSC_FRAME_RC		"EXITSCOPE-PROBE-RC"
/* A boot that serves several scenarios opens each one's output with "EXITSCOPE-SCENARIO NAME". */
#define EXSC_FRAME_SCENARIO	"EXITSCOPE-SCENARIO"

#endif
