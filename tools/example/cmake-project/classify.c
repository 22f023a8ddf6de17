/* classify.c: classifies Fashion-MNIST images with the model that
 * qcc_add_model(fmnist ...) compiled (CMakeLists.txt).
 *
 * Usage: classify <images-idx3-ubyte>
 *
 * Reads an uncompressed IDX image file (e.g. t10k-images-idx3-ubyte from
 * Debian's dataset-fashion-mnist, after gunzip), normalizes each 28x28 image
 * as the model was trained, runs the model, and prints one line per image:
 * its index, the predicted class, and the ten logits. */
#include "fmnist.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIDE 28
#define PIXELS (SIDE * SIDE)
#define CLASSES 10

_Static_assert(FMNIST_INPUT_0_NUM_ELEMENTS == PIXELS, "model input is 28x28");
_Static_assert(FMNIST_OUTPUT_0_NUM_ELEMENTS == CLASSES, "model has 10 logits");

static _Alignas(FMNIST_WORKSPACE_ALIGNMENT) unsigned char workspace
    [FMNIST_WORKSPACE_SIZE > 0 ? FMNIST_WORKSPACE_SIZE : 1];

static uint32_t readBigEndian32(const unsigned char *bytes) {
  return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 |
         (uint32_t)bytes[2] << 8 | (uint32_t)bytes[3];
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <images-idx3-ubyte>\n", argv[0]);
    return 2;
  }
  FILE *file = fopen(argv[1], "rb");
  if (!file) {
    perror(argv[1]);
    return 1;
  }
  /* IDX header: magic 0x00000803 (unsigned bytes, rank 3), then the image
   * count, the rows and the columns, each big-endian. */
  unsigned char header[16];
  if (fread(header, 1, sizeof header, file) != sizeof header ||
      readBigEndian32(header) != 0x803 || readBigEndian32(header + 8) != SIDE ||
      readBigEndian32(header + 12) != SIDE) {
    fprintf(stderr, "%s: not an IDX file of 28x28 unsigned byte images\n",
            argv[1]);
    fclose(file);
    return 1;
  }
  uint32_t count = readBigEndian32(header + 4);
  for (uint32_t index = 0; index < count; ++index) {
    unsigned char pixels[PIXELS];
    if (fread(pixels, 1, PIXELS, file) != PIXELS) {
      fprintf(stderr, "%s: truncated at image %u of %u\n", argv[1], index,
              count);
      fclose(file);
      return 1;
    }
    /* The training normalization, one float32 rounding per operation
     * (python/qcc_tools/datasets.py: normalize). */
    float image[PIXELS];
    for (int i = 0; i < PIXELS; ++i)
      image[i] = ((float)pixels[i] / 255.0f - 0.2860f) / 0.3530f;
    float logits[CLASSES];
    fmnist_run(image, logits, workspace);
    int best = 0;
    for (int c = 1; c < CLASSES; ++c)
      if (logits[c] > logits[best])
        best = c;
    printf("%u %d", index, best);
    for (int c = 0; c < CLASSES; ++c)
      printf(" %.9g", logits[c]);
    printf("\n");
  }
  fclose(file);
  return 0;
}
