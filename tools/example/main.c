/*===- main.c - a C application that runs a qcc-compiled model ------------===*
 *
 * Runs the stroke classifier (stroke_classifier.mlir) on four built-in 8x8
 * images and prints, for each, the image, the class scores and the argmax.
 * Exits 1 if a stroke is misclassified. Build it (run-example.sh does this):
 *
 *   build/bin/qcc tools/example/stroke_classifier.mlir --name=example \
 *       -o out/example.o                       # also writes out/example.h
 *   cc -O2 -Iout tools/example/main.c out/example.o -o out/example
 *
 * The model is known to this file only through the generated header: entry
 * point, tensor shapes and the workspace size are all macros or functions
 * declared there. No allocation is needed: the workspace is a static,
 * suitably aligned array.
 *
 *===----------------------------------------------------------------------===*/

#include "example.h"

#include <stdio.h>
#include <string.h>

#define SIDE 8
#define NUM_CLASSES EXAMPLE_OUTPUT_0_NUM_ELEMENTS

_Static_assert(EXAMPLE_INPUT_0_NUM_ELEMENTS == SIDE * SIDE,
               "the example expects one 8x8 image");
_Static_assert(EXAMPLE_OUTPUT_1_NUM_ELEMENTS == NUM_CLASSES,
               "logits and probabilities have one entry per class");

static const char *const classNames[NUM_CLASSES] = {
    "horizontal", "vertical", "diagonal", "antidiagonal"};

/* '#' is 1.0, '.' is 0.0. */
static const struct {
  const char *rows[SIDE];
  int expected;
} samples[] = {
    {{"........", "........", ".######.", "........", "........", "........",
      "........", "........"},
     0},
    {{"........", ".....#..", ".....#..", ".....#..", ".....#..", ".....#..",
      ".....#..", "........"},
     1},
    {{"........", ".#......", "..#.....", "...#....", "....#...", ".....#..",
      "......#.", "........"},
     2},
    {{".......#", "......#.", ".....#..", "....#...", "...#....", "..#.....",
      "........", "........"},
     3},
};

/* Scratch memory for the model; one per concurrent caller. */
static _Alignas(EXAMPLE_WORKSPACE_ALIGNMENT) unsigned char
    workspace[EXAMPLE_WORKSPACE_SIZE > 0 ? EXAMPLE_WORKSPACE_SIZE : 1];

int main(void) {
  if (example_workspace_size() != EXAMPLE_WORKSPACE_SIZE) {
    fprintf(stderr, "error: header and object disagree on the workspace\n");
    return 1;
  }
  printf("stroke classifier: %d inputs, %d outputs, %u bytes of workspace\n",
         EXAMPLE_NUM_INPUTS, EXAMPLE_NUM_OUTPUTS,
         (unsigned)EXAMPLE_WORKSPACE_SIZE);

  int errors = 0;
  size_t numSamples = sizeof(samples) / sizeof(samples[0]);
  for (size_t s = 0; s < numSamples; ++s) {
    float image[SIDE * SIDE];
    for (int y = 0; y < SIDE; ++y)
      for (int x = 0; x < SIDE; ++x)
        image[y * SIDE + x] = samples[s].rows[y][x] == '#' ? 1.0f : 0.0f;

    float logits[NUM_CLASSES];
    float probabilities[NUM_CLASSES];
    example_run(image, logits, probabilities, workspace);

    int best = 0;
    for (int c = 1; c < NUM_CLASSES; ++c)
      if (probabilities[c] > probabilities[best])
        best = c;

    printf("\nsample %zu:\n", s);
    for (int y = 0; y < SIDE; ++y)
      printf("  %s\n", samples[s].rows[y]);
    for (int c = 0; c < NUM_CLASSES; ++c)
      printf("  %-12s logit %7.4f  p = %.4f\n", classNames[c], logits[c],
             probabilities[c]);
    int ok = best == samples[s].expected;
    printf("  argmax: %s (%s)\n", classNames[best],
           ok ? "correct" : "WRONG");
    errors += !ok;
  }
  printf("\n%zu of %zu samples classified correctly\n",
         numSamples - (size_t)errors, numSamples);
  return errors ? 1 : 0;
}
