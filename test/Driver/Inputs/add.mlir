// A 64-element float add: small enough to read, long enough to vectorize.
func.func @main(%a: tensor<64xf32> {qcc.name = "a"}, %b: tensor<64xf32> {qcc.name = "b"}) -> (tensor<64xf32> {qcc.name = "sum"}) {
  %0 = tosa.add %a, %b : (tensor<64xf32>, tensor<64xf32>) -> tensor<64xf32>
  return %0 : tensor<64xf32>
}
