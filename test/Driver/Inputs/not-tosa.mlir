// Memref-level input is outside the driver's input contract.
func.func @main(%x: memref<4xf32>) -> memref<4xf32> {
  return %x : memref<4xf32>
}
