// A custom operator has no lowering: the driver must name it.
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.custom %x {operator_name = "my_op", domain_name = "acme", implementation_attrs = ""} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
