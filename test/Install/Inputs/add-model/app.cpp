// Links the model that qcc_add_model(dir-model ...) compiled into a C++
// program: the header is found through the target's include directory and
// its symbols are prefixed dir_model (the target name as a C identifier).
#include "dir-model.h"

#include <cmath>
#include <cstdio>

static_assert(DIR_MODEL_INPUT_0_NUM_ELEMENTS == 784, "28x28 input");
static_assert(DIR_MODEL_OUTPUT_0_NUM_ELEMENTS == 10, "10 logits");
// Quantized: qcc read the calibration directory.
static_assert(DIR_MODEL_INT8_INPUT_0_SCALE > 0, "an int8 entry point");

alignas(DIR_MODEL_WORKSPACE_ALIGNMENT) static unsigned char workspace
    [DIR_MODEL_WORKSPACE_SIZE > 0 ? DIR_MODEL_WORKSPACE_SIZE : 1];

int main() {
  if (dir_model_workspace_size() != DIR_MODEL_WORKSPACE_SIZE) {
    std::printf("workspace size %zu, header says %zu\n",
                dir_model_workspace_size(),
                static_cast<size_t>(DIR_MODEL_WORKSPACE_SIZE));
    return 1;
  }
  static float image[784];
  float logits[10];
  dir_model_run(image, logits, workspace);
  for (float logit : logits)
    if (!std::isfinite(logit))
      return 1;
  std::printf("dir_model_run ok\n");
  return 0;
}
