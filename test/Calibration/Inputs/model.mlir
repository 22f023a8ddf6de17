// y = clamp(2 x, 0, 6) + x, the model of the negative tests.
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}) -> tensor<1x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = "tosa.const"() {values = dense<2.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %0 = tosa.mul %x, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.add %1, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}
