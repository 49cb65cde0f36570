/* SPDX-License-Identifier: MIT */
/*
 * The GL client's rendering: OpenGL ES 2 through EGL on a GBM surface of
 * the DRM device, as a compositor in a guest has it. Each frame is the test
 * picture (tools/pattern), computed on the CPU, uploaded as a texture and
 * drawn by the GPU (llvmpipe in a guest without one) as a screen-sized quad
 * sampled texel for texel, so the result is exact and checkable.
 *
 * Functions print what failed to stderr and return 0 or -1.
 */
#ifndef VDISPL_GL_CLIENT_RENDER_H
#define VDISPL_GL_CLIENT_RENDER_H

#include <stdint.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <gbm.h>

struct gl_render {
	struct gbm_device *gbm;
	struct gbm_surface *surface;
	EGLDisplay display;
	EGLContext context;
	EGLSurface egl_surface;
	GLuint program, texture, quad;
	uint32_t width, height;
	uint32_t *picture; /* the CPU's copy, XRGB8888 */
};

/* Set up rendering of @width x @height XRGB8888 frames for DRM device @fd. */
int gl_render_init(struct gl_render *r, int fd, uint32_t width, uint32_t height);

/* Render test picture @frame of connector 0 and swap it to the front. */
int gl_render_frame(struct gl_render *r, uint32_t frame);

/* GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
const char *gl_render_renderer(void);

void gl_render_fini(struct gl_render *r);

#endif
