// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <stdlib.h>

#include "tools/gl-client/render.h"
#include "tools/pattern/pattern.h"

#define PROG "vdispl-gl-client"

/* Clip space to texture space, flipped: texture row 0 is the picture's top. */
static const char vertex_shader[] =
	"attribute vec2 position;\n"
	"varying vec2 uv;\n"
	"void main() {\n"
	"  uv = vec2(position.x * 0.5 + 0.5, 0.5 - position.y * 0.5);\n"
	"  gl_Position = vec4(position, 0.0, 1.0);\n"
	"}\n";
/* XRGB8888 in memory is B, G, R, X: uploaded as RGBA, so swap back here. */
static const char fragment_shader[] =
	"precision mediump float;\n"
	"varying vec2 uv;\n"
	"uniform sampler2D picture;\n"
	"void main() {\n"
	"  vec4 t = texture2D(picture, uv);\n"
	"  gl_FragColor = vec4(t.b, t.g, t.r, 1.0);\n"
	"}\n";

static const GLfloat quad[] = { -1, -1, 1, -1, -1, 1, 1, 1 };

static GLuint compile(GLenum type, const char *source)
{
	GLuint shader = glCreateShader(type);
	GLint ok = GL_FALSE;
	char log[512];

	glShaderSource(shader, 1, &source, NULL);
	glCompileShader(shader);
	glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		glGetShaderInfoLog(shader, sizeof(log), NULL, log);
		fprintf(stderr, PROG ": shader: %s\n", log);
		glDeleteShader(shader);
		return 0;
	}
	return shader;
}

static int make_program(struct gl_render *r)
{
	GLuint vs = compile(GL_VERTEX_SHADER, vertex_shader);
	GLuint fs = compile(GL_FRAGMENT_SHADER, fragment_shader);
	GLint ok = GL_FALSE;

	if (!vs || !fs)
		return -1;
	r->program = glCreateProgram();
	glAttachShader(r->program, vs);
	glAttachShader(r->program, fs);
	glBindAttribLocation(r->program, 0, "position");
	glLinkProgram(r->program);
	glDeleteShader(vs);
	glDeleteShader(fs);
	glGetProgramiv(r->program, GL_LINK_STATUS, &ok);
	if (!ok) {
		fprintf(stderr, PROG ": the shader program does not link\n");
		return -1;
	}
	glUseProgram(r->program);
	glUniform1i(glGetUniformLocation(r->program, "picture"), 0);

	glGenBuffers(1, &r->quad);
	glBindBuffer(GL_ARRAY_BUFFER, r->quad);
	glBufferData(GL_ARRAY_BUFFER, sizeof(quad), quad, GL_STATIC_DRAW);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, NULL);
	glEnableVertexAttribArray(0);

	glGenTextures(1, &r->texture);
	glBindTexture(GL_TEXTURE_2D, r->texture);
	/* One texel per pixel, never blended with a neighbour. */
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, (GLsizei)r->width, (GLsizei)r->height, 0, GL_RGBA,
		     GL_UNSIGNED_BYTE, NULL);
	glViewport(0, 0, (GLsizei)r->width, (GLsizei)r->height);
	return glGetError() == GL_NO_ERROR ? 0 : -1;
}

/* An EGL config whose pixels are GBM's XRGB8888, as scanout wants them. */
static int choose_config(EGLDisplay display, EGLConfig *out)
{
	static const EGLint want[] = {
		EGL_SURFACE_TYPE, EGL_WINDOW_BIT,
		EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 0,
		EGL_RENDERABLE_TYPE, EGL_OPENGL_ES2_BIT,
		EGL_NONE,
	};
	EGLConfig configs[64];
	EGLint count = 0;

	if (!eglChooseConfig(display, want, configs, 64, &count))
		return -1;
	for (EGLint i = 0; i < count; i++) {
		EGLint id;

		if (eglGetConfigAttrib(display, configs[i], EGL_NATIVE_VISUAL_ID, &id) &&
		    (uint32_t)id == GBM_FORMAT_XRGB8888) {
			*out = configs[i];
			return 0;
		}
	}
	return -1;
}

int gl_render_init(struct gl_render *r, int fd, uint32_t width, uint32_t height)
{
	static const EGLint context_attribs[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
	EGLConfig config;
	EGLint major, minor;

	*r = (struct gl_render){ .width = width, .height = height };
	r->picture = malloc((size_t)width * height * 4);
	r->gbm = gbm_create_device(fd);
	if (!r->picture || !r->gbm) {
		fprintf(stderr, PROG ": no GBM device for the DRM device\n");
		return -1;
	}
	r->surface = gbm_surface_create(r->gbm, width, height, GBM_FORMAT_XRGB8888,
					GBM_BO_USE_SCANOUT | GBM_BO_USE_RENDERING);
	if (!r->surface) {
		fprintf(stderr, PROG ": gbm_surface_create %ux%u failed\n", width, height);
		return -1;
	}
	r->display = eglGetPlatformDisplay(EGL_PLATFORM_GBM_KHR, r->gbm, NULL);
	if (r->display == EGL_NO_DISPLAY || !eglInitialize(r->display, &major, &minor)) {
		fprintf(stderr, PROG ": EGL cannot start on the GBM device (error 0x%x)\n",
			eglGetError());
		return -1;
	}
	printf(PROG ": EGL %d.%d, %s\n", major, minor, eglQueryString(r->display, EGL_VENDOR));
	if (!eglBindAPI(EGL_OPENGL_ES_API) || choose_config(r->display, &config)) {
		fprintf(stderr, PROG ": no EGL config for XRGB8888 scanout\n");
		return -1;
	}
	r->context = eglCreateContext(r->display, config, EGL_NO_CONTEXT, context_attribs);
	r->egl_surface = eglCreatePlatformWindowSurface(r->display, config, r->surface, NULL);
	if (r->context == EGL_NO_CONTEXT || r->egl_surface == EGL_NO_SURFACE ||
	    !eglMakeCurrent(r->display, r->egl_surface, r->egl_surface, r->context)) {
		fprintf(stderr, PROG ": EGL context or surface failed (error 0x%x)\n",
			eglGetError());
		return -1;
	}
	if (make_program(r)) {
		fprintf(stderr, PROG ": GL setup failed\n");
		return -1;
	}
	return 0;
}

int gl_render_frame(struct gl_render *r, uint32_t frame)
{
	vdispl_pattern_fill(r->picture, r->width * 4, r->width, r->height, frame, 0);
	glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, (GLsizei)r->width, (GLsizei)r->height, GL_RGBA,
			GL_UNSIGNED_BYTE, r->picture);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	if (glGetError() != GL_NO_ERROR || !eglSwapBuffers(r->display, r->egl_surface)) {
		fprintf(stderr, PROG ": frame %u: drawing or swapping failed\n", frame);
		return -1;
	}
	return 0;
}

const char *gl_render_renderer(void)
{
	return (const char *)glGetString(GL_RENDERER);
}

void gl_render_fini(struct gl_render *r)
{
	if (r->display != EGL_NO_DISPLAY) {
		eglMakeCurrent(r->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
		if (r->egl_surface != EGL_NO_SURFACE)
			eglDestroySurface(r->display, r->egl_surface);
		if (r->context != EGL_NO_CONTEXT)
			eglDestroyContext(r->display, r->context);
		eglTerminate(r->display);
	}
	if (r->surface)
		gbm_surface_destroy(r->surface);
	if (r->gbm)
		gbm_device_destroy(r->gbm);
	free(r->picture);
}
