/*===- classify.c - Fashion-MNIST classification with qcc-compiled models --===*
 *
 * Classifies the Fashion-MNIST test images with the bundled CNN
 * (test/Models/fashion_mnist_cnn.onnx) compiled twice by qcc: as float
 * (fashion_float.o) and quantized to int8 (fashion_int8.o). It prints one
 * table (top-1 accuracy, object size, workspace, median latency per image)
 * and a few images drawn as text with both models' predictions.
 * run-example.sh builds and runs it; by hand:
 *
 *   qcc fashion_mnist_cnn.onnx --name=fashion_float -o out/fashion_float.o
 *   qcc fashion_mnist_cnn.onnx --calibration=calib.npz --name=fashion_int8 \
 *       -o out/fashion_int8.o
 *   cc -O2 -Iout classify.c out/fashion_float.o out/fashion_int8.o \
 *       -o classify
 *   ./classify t10k-images-idx3-ubyte t10k-labels-idx1-ubyte
 *
 * Built with -DCLASSIFY_INT8_ONLY it links the int8 model alone: that is the
 * build run-example.sh cross-compiles for aarch64 and riscv64 and runs under
 * QEMU, comparing the predictions (--predictions) with the host's.
 *
 * The models are known to this file only through the generated headers: the
 * entry points, the tensor sizes and the workspace sizes are all macros and
 * functions declared there. Nothing is allocated for the models: each gets a
 * static, suitably aligned workspace array. The optional macros
 * FASHION_FLOAT_OBJECT_BYTES and FASHION_INT8_OBJECT_BYTES (-D...) give the
 * object files' sizes for the table.
 *
 *===----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 199309L

#include "fashion_int8.h"
#ifndef CLASSIFY_INT8_ONLY
#include "fashion_float.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SIDE = 28, PIXELS = SIDE * SIDE, NUM_CLASSES = 10 };

_Static_assert(FASHION_INT8_INPUT_0_NUM_ELEMENTS == PIXELS,
               "the int8 model takes one 28x28 image");
_Static_assert(FASHION_INT8_OUTPUT_0_NUM_ELEMENTS == NUM_CLASSES,
               "the int8 model returns one logit per class");
#ifndef CLASSIFY_INT8_ONLY
_Static_assert(FASHION_FLOAT_INPUT_0_NUM_ELEMENTS == PIXELS,
               "the float model takes one 28x28 image");
_Static_assert(FASHION_FLOAT_OUTPUT_0_NUM_ELEMENTS == NUM_CLASSES,
               "the float model returns one logit per class");
#endif

static const char *const classNames[NUM_CLASSES] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/* Scratch memory of each model; one per concurrent caller. */
static _Alignas(FASHION_INT8_WORKSPACE_ALIGNMENT) unsigned char int8Workspace
    [FASHION_INT8_WORKSPACE_SIZE > 0 ? FASHION_INT8_WORKSPACE_SIZE : 1];
#ifndef CLASSIFY_INT8_ONLY
static _Alignas(FASHION_FLOAT_WORKSPACE_ALIGNMENT) unsigned char floatWorkspace
    [FASHION_FLOAT_WORKSPACE_SIZE > 0 ? FASHION_FLOAT_WORKSPACE_SIZE : 1];
#endif

/* One compiled model as the table shows it. */
struct Model {
  const char *name;
  void (*run)(const float *, float *, void *);
  void *workspace;
  size_t workspaceSize;
  long objectBytes; /* -1: unknown */
  int *predictions;
  double *seconds;
  int correct;
};

#ifndef FASHION_FLOAT_OBJECT_BYTES
#define FASHION_FLOAT_OBJECT_BYTES -1
#endif
#ifndef FASHION_INT8_OBJECT_BYTES
#define FASHION_INT8_OBJECT_BYTES -1
#endif

/* The payload of an uncompressed IDX file (the format of the MNIST files):
   checks the magic number (unsigned bytes, `rank` dimensions) and that the
   file holds exactly the bytes the dimensions say. */
static unsigned char *readIdx(const char *path, int rank, uint32_t *dims) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "error: cannot open '%s'\n", path);
    return NULL;
  }
  unsigned char header[16];
  size_t headerSize = 4 + 4 * (size_t)rank;
  unsigned char *data = NULL;
  if (fread(header, 1, headerSize, file) != headerSize || header[0] != 0 ||
      header[1] != 0 || header[2] != 0x08 || header[3] != rank) {
    fprintf(stderr,
            "error: '%s' is not an uncompressed IDX file of unsigned bytes "
            "with %d dimensions\n",
            path, rank);
    goto done;
  }
  size_t count = 1;
  for (int d = 0; d < rank; ++d) {
    const unsigned char *b = header + 4 + 4 * d;
    dims[d] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
              (uint32_t)b[2] << 8 | b[3];
    count *= dims[d];
  }
  data = malloc(count ? count : 1);
  if (!data || fread(data, 1, count, file) != count || fgetc(file) != EOF) {
    fprintf(stderr,
            "error: '%s' does not hold the %zu bytes its header "
            "announces\n",
            path, count);
    free(data);
    data = NULL;
  }
done:
  fclose(file);
  return data;
}

/* The normalization the model was trained with, in float32 arithmetic. */
static void normalize(const unsigned char *pixels, float *image) {
  for (int i = 0; i < PIXELS; ++i) {
    float x = (float)pixels[i] / 255.0f;
    image[i] = (x - 0.2860f) / 0.3530f;
  }
}

static int argmax(const float *logits) {
  int best = 0;
  for (int c = 1; c < NUM_CLASSES; ++c)
    if (logits[c] > logits[best])
      best = c;
  return best;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int compareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *values, size_t count) {
  qsort(values, count, sizeof(double), compareDoubles);
  return count % 2 ? values[count / 2]
                   : 0.5 * (values[count / 2 - 1] + values[count / 2]);
}

/* Runs `model` on every image, timing each call. */
static void classifyAll(struct Model *model, const unsigned char *pixels,
                        const unsigned char *labels, size_t count) {
  float image[PIXELS], logits[NUM_CLASSES];
  normalize(pixels, image);
  model->run(image, logits, model->workspace); /* warm caches */
  model->correct = 0;
  for (size_t i = 0; i < count; ++i) {
    normalize(pixels + i * PIXELS, image);
    double start = now();
    model->run(image, logits, model->workspace);
    model->seconds[i] = now() - start;
    model->predictions[i] = argmax(logits);
    model->correct += model->predictions[i] == labels[i];
  }
}

static void printBytes(long bytes) {
  if (bytes < 0)
    printf("%12s", "-");
  else
    printf("%8.1f KiB", (double)bytes / 1024.0);
}

static void printTable(struct Model *models, int numModels, size_t count) {
  printf("%-6s %9s %10s %12s %12s %14s\n", "model", "top-1", "agreement",
         "object", "workspace", "latency/image");
  for (int m = 0; m < numModels; ++m) {
    struct Model *model = &models[m];
    size_t agree = 0;
    for (size_t i = 0; i < count; ++i)
      agree += model->predictions[i] == models[0].predictions[i];
    printf("%-6s %8.2f%% ", model->name,
           100.0 * model->correct / (double)count);
    if (m == 0)
      printf("%10s ", "-");
    else
      printf("%9.2f%% ", 100.0 * (double)agree / (double)count);
    printBytes(model->objectBytes);
    printf(" ");
    printBytes((long)model->workspaceSize);
    printf(" %11.1f us\n", 1e6 * median(model->seconds, count));
  }
  printf("(%zu test images; agreement: same class as %s; latency: median of "
         "single-image calls on one core)\n",
         count, models[0].name);
}

/* Two pixel rows per text line, so the image keeps its proportions. */
static void drawImages(const unsigned char *pixels, const unsigned char *labels,
                       struct Model *models, int numModels, size_t first,
                       size_t numImages) {
  static const char ramp[] = " .:-=+*#%@";
  for (size_t i = first; i < first + numImages; ++i) {
    const unsigned char *image = pixels + i * PIXELS;
    printf("\ntest image %zu, label %s:", i, classNames[labels[i]]);
    for (int m = 0; m < numModels; ++m)
      printf(" %s says %s%s", models[m].name,
             classNames[models[m].predictions[i]],
             models[m].predictions[i] == labels[i] ? "" : " (wrong)");
    printf("\n");
    for (int y = 0; y < SIDE; y += 2) {
      printf("  |");
      for (int x = 0; x < SIDE; ++x) {
        int level = (image[y * SIDE + x] + image[(y + 1) * SIDE + x]) / 2;
        putchar(ramp[level * (int)(sizeof(ramp) - 2) / 255]);
      }
      printf("|\n");
    }
  }
}

/* A non-negative decimal number, or -1. */
static long parseCount(const char *text) {
  char *end;
  long value = strtol(text, &end, 10);
  return *text && !*end && value >= 0 ? value : -1;
}

static int usage(const char *program) {
  fprintf(stderr,
          "usage: %s <images-idx3-ubyte> <labels-idx1-ubyte> [--count N] "
          "[--show N] [--predictions]\n"
          "  --count N      classify the first N images (0, the default: all)\n"
          "  --show N       draw the first N images with the predictions (3)\n"
          "  --predictions  print the last model's predicted classes\n",
          program);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3)
    return usage(argv[0]);
  long count = 0, show = 3;
  int printPredictions = 0;
  for (int a = 3; a < argc; ++a) {
    if (!strcmp(argv[a], "--count") && a + 1 < argc)
      count = parseCount(argv[++a]);
    else if (!strcmp(argv[a], "--show") && a + 1 < argc)
      show = parseCount(argv[++a]);
    else if (!strcmp(argv[a], "--predictions"))
      printPredictions = 1;
    else
      return usage(argv[0]);
    if (count < 0 || show < 0)
      return usage(argv[0]);
  }

  uint32_t imageDims[3], labelDims[1];
  unsigned char *pixels = readIdx(argv[1], 3, imageDims);
  unsigned char *labels = readIdx(argv[2], 1, labelDims);
  if (!pixels || !labels)
    return 1;
  if (imageDims[1] != SIDE || imageDims[2] != SIDE ||
      imageDims[0] != labelDims[0]) {
    fprintf(stderr,
            "error: expected N 28x28 images and N labels, got %u "
            "%ux%u images and %u labels\n",
            imageDims[0], imageDims[1], imageDims[2], labelDims[0]);
    return 1;
  }
  for (uint32_t i = 0; i < labelDims[0]; ++i)
    if (labels[i] >= NUM_CLASSES) {
      fprintf(stderr, "error: label %u of image %u is not a class\n", labels[i],
              i);
      return 1;
    }
  size_t numImages =
      count == 0 || count > (long)imageDims[0] ? imageDims[0] : (size_t)count;
  size_t numShown = (size_t)show < numImages ? (size_t)show : numImages;

  if (fashion_int8_workspace_size() != FASHION_INT8_WORKSPACE_SIZE) {
    fprintf(stderr, "error: header and object disagree on the workspace\n");
    return 1;
  }
  struct Model models[] = {
#ifndef CLASSIFY_INT8_ONLY
      {"float", fashion_float_run, floatWorkspace, FASHION_FLOAT_WORKSPACE_SIZE,
       FASHION_FLOAT_OBJECT_BYTES, NULL, NULL, 0},
#endif
      {"int8", fashion_int8_run, int8Workspace, FASHION_INT8_WORKSPACE_SIZE,
       FASHION_INT8_OBJECT_BYTES, NULL, NULL, 0},
  };
  int numModels = (int)(sizeof(models) / sizeof(models[0]));
  for (int m = 0; m < numModels; ++m) {
    models[m].predictions = malloc(numImages * sizeof(int));
    models[m].seconds = malloc(numImages * sizeof(double));
    if (!models[m].predictions || !models[m].seconds) {
      fprintf(stderr, "error: out of memory\n");
      return 1;
    }
    classifyAll(&models[m], pixels, labels, numImages);
  }

  if (printPredictions) {
    printf("predictions:");
    for (size_t i = 0; i < numImages; ++i)
      printf(" %d", models[numModels - 1].predictions[i]);
    printf("\n");
  }
  printTable(models, numModels, numImages);
  drawImages(pixels, labels, models, numModels, 0, numShown);

  for (int m = 0; m < numModels; ++m) {
    free(models[m].predictions);
    free(models[m].seconds);
  }
  free(pixels);
  free(labels);
  return 0;
}
