//===- SelectKernels.cpp - contractions to micro-kernel calls -------------===//
//
// Matches the int8 contractions the linalg stage writes as named ops:
//
//   %acc = linalg.generic ins(%bias : tensor<Cxi32>) ...       (broadcast)
//   %c   = linalg.conv_2d_nhwc_fhwc ins(%x_padded, %w) outs(%acc)
//   %y   = linalg.generic ins(%c, %M, %n) {qcc.requantize_epilogue = ...}
//
// and replaces the three with one qcc_cpu.conv_kernel whose weights, bias,
// multipliers and shifts are packed at compile time for the target's kernel
// variant (qcc/Codegen/CPU/Packing.h). The padding moves into the kernel:
// it reads a constant row of input zero points for taps outside the image.
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/Transforms/Passes.h"

#include "ConvInput.h"
#include "SelectFloatKernels.h"
#include "qcc/Codegen/CPU/Packing.h"
#include "qcc/Codegen/CPU/TargetInfo.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

namespace qcc::cpu {
#define GEN_PASS_DEF_SELECTKERNELSPASS
#include "qcc/Codegen/CPU/Transforms/Passes.h.inc"
} // namespace qcc::cpu

using namespace mlir;
using namespace qcc;
using namespace qcc::cpu;

namespace {

/// The values of an integer constant, sign-extended.
static std::optional<SmallVector<int64_t>> getIntConstant(Value value) {
  DenseIntElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<int64_t> values;
  values.reserve(attr.getNumElements());
  for (const APInt &element : attr.getValues<APInt>())
    values.push_back(element.getSExtValue());
  return values;
}

/// The bias vector that `init` broadcasts along its last dimension: the
/// generic qcc-lower-to-linalg writes (one constant 1-D i32 input read at
/// the last loop index, yielded as is), or the same with a splat bias
/// folded into its body (`linalg.yield %constant`).
static std::optional<SmallVector<int64_t>> getBroadcastBias(Value init) {
  auto generic = init.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInits() != 1)
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto resultType = cast<RankedTensorType>(init.getType());
  if (generic.getNumDpsInputs() == 0) {
    APInt splat;
    auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
    if (!yield || body.getOperations().size() != 1 ||
        !matchPattern(yield.getOperand(0), m_ConstantInt(&splat)) ||
        !resultType.getElementType().isInteger(32))
      return std::nullopt;
    return SmallVector<int64_t>(resultType.getShape().back(),
                                splat.getSExtValue());
  }
  if (generic.getNumDpsInputs() != 1)
    return std::nullopt;
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  if (!resultType.getElementType().isInteger(32))
    return std::nullopt;
  AffineMap map = generic.getIndexingMapsArray()[0];
  unsigned rank = resultType.getRank();
  if (map.getNumResults() != 1 ||
      map.getResult(0) != getAffineDimExpr(rank - 1, init.getContext()))
    return std::nullopt;
  return getIntConstant(generic.getDpsInputs()[0]);
}

/// The requantizing epilogue that consumes `acc` as its only use.
struct Epilogue {
  linalg::GenericOp op;
  RequantizeEpilogue output;
  SmallVector<int64_t> multipliers;
  SmallVector<int32_t> shifts;
};

/// A per-channel parameter of the epilogue's body: a block argument that
/// reads a constant 1-D input, or a constant the element-wise passes folded
/// into the body (a splat, for per-tensor requantization).
static std::optional<SmallVector<int64_t>>
getEpilogueParameter(linalg::GenericOp generic, Value value, int64_t channels) {
  APInt splat;
  if (matchPattern(value, m_ConstantInt(&splat)))
    return SmallVector<int64_t>(channels, splat.getSExtValue());
  auto arg = dyn_cast<BlockArgument>(value);
  if (!arg || arg.getOwner() != &generic.getRegion().front() ||
      arg.getArgNumber() == 0 ||
      arg.getArgNumber() >= generic.getNumDpsInputs())
    return std::nullopt;
  std::optional<SmallVector<int64_t>> values =
      getIntConstant(generic.getDpsInputs()[arg.getArgNumber()]);
  if (!values || values->empty())
    return std::nullopt;
  if (values->size() == 1)
    return SmallVector<int64_t>(channels, values->front());
  if (static_cast<int64_t>(values->size()) != channels)
    return std::nullopt;
  return values;
}

static std::optional<Epilogue> getEpilogue(Value acc) {
  if (!acc.hasOneUse())
    return std::nullopt;
  auto generic = dyn_cast<linalg::GenericOp>(*acc.getUsers().begin());
  if (!generic || generic.getNumDpsInputs() < 1 ||
      generic.getDpsInputs()[0] != acc || generic->getNumResults() != 1)
    return std::nullopt;
  std::optional<RequantizeEpilogue> output = getRequantizeEpilogue(generic);
  if (!output || output->isUnsigned)
    return std::nullopt;
  // The body (qcc-lower-to-linalg's applyMultiplier) starts with
  // v = extsi(acc) * M and then shifts v right by n.
  Block &body = generic.getRegion().front();
  Value accumulator = body.getArgument(0);
  arith::MulIOp product;
  for (Operation &op : body)
    if (auto mul = dyn_cast<arith::MulIOp>(op)) {
      auto ext = mul.getLhs().getDefiningOp<arith::ExtSIOp>();
      if (ext && ext.getIn() == accumulator) {
        product = mul;
        break;
      }
    }
  if (!product)
    return std::nullopt;
  arith::ShRSIOp shift;
  for (Operation *user : product->getUsers())
    if (auto shr = dyn_cast<arith::ShRSIOp>(user))
      if (shr.getLhs() == product.getResult()) {
        shift = shr;
        break;
      }
  if (!shift)
    return std::nullopt;
  int64_t channels =
      cast<RankedTensorType>(generic->getResult(0).getType()).getShape().back();
  std::optional<SmallVector<int64_t>> multipliers =
      getEpilogueParameter(generic, product.getRhs(), channels);
  std::optional<SmallVector<int64_t>> shifts =
      getEpilogueParameter(generic, shift.getRhs(), channels);
  if (!multipliers || !shifts)
    return std::nullopt;
  Epilogue epilogue{generic, *output, std::move(*multipliers), {}};
  for (int64_t value : *shifts)
    epilogue.shifts.push_back(static_cast<int32_t>(value));
  return epilogue;
}

/// The unpadded input of an int8 convolution and its padding, whose value
/// (the input zero point) becomes the kernel's zero row.
struct ConvInput {
  SpatialPadding padding;
  int64_t zeroPoint = 0;
};

static std::optional<ConvInput> getConvInput(Value input) {
  std::optional<SpatialPadding> padding = getSpatialPadding(input);
  if (!padding)
    return std::nullopt;
  APInt zeroPoint;
  if (padding->pad && !matchPattern(padding->value, m_ConstantInt(&zeroPoint)))
    return std::nullopt;
  return ConvInput{*padding, padding->pad ? zeroPoint.getSExtValue() : 0};
}

template <typename T>
static Value createConstant(OpBuilder &b, Location loc, ArrayRef<T> values,
                            Type elementType) {
  auto type =
      RankedTensorType::get({static_cast<int64_t>(values.size())}, elementType);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

/// Everything a conv_kernel call needs besides its packed data.
struct KernelCall {
  std::string callee;
  SmallVector<int32_t> geometry;
  Value input;
  int64_t zeroPoint;
  int64_t zeroRowLength;
  Value weights, bias, multiplier, shift;
};

static SmallVector<int32_t>
makeGeometry(int64_t inH, int64_t inW, int64_t inChannels, int64_t outH,
             int64_t outW, int64_t outChannels, int64_t groups, int64_t kh,
             int64_t kw, ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
             int64_t padTop, int64_t padLeft) {
  return {static_cast<int32_t>(inH),
          static_cast<int32_t>(inW),
          static_cast<int32_t>(inChannels * (groups > 1 ? groups : 1)),
          static_cast<int32_t>(inChannels),
          static_cast<int32_t>(outH),
          static_cast<int32_t>(outW),
          static_cast<int32_t>(outChannels * (groups > 1 ? groups : 1)),
          static_cast<int32_t>(outChannels),
          static_cast<int32_t>(groups),
          static_cast<int32_t>(kh),
          static_cast<int32_t>(kw),
          static_cast<int32_t>(strides[0]),
          static_cast<int32_t>(strides[1]),
          static_cast<int32_t>(dilations[0]),
          static_cast<int32_t>(dilations[1]),
          static_cast<int32_t>(padTop),
          static_cast<int32_t>(padLeft)};
}

class KernelSelector {
public:
  KernelSelector(const KernelTarget &target) : target(target) {}

  /// Rewrites `contraction` (a conv_2d_nhwc_fhwc, depthwise_conv_2d_nhwc_hwc
  /// or matmul) with its epilogue; fails (leaving the IR alone) when it
  /// does not have the expected form.
  LogicalResult rewrite(linalg::LinalgOp contraction) {
    if (contraction->getNumResults() != 1)
      return failure();
    Value acc = contraction->getResult(0);
    std::optional<Epilogue> epilogue = getEpilogue(acc);
    std::optional<SmallVector<int64_t>> bias =
        getBroadcastBias(contraction.getDpsInits()[0]);
    if (!epilogue || !bias)
      return failure();
    Value lhs = contraction.getDpsInputs()[0];
    Value rhs = contraction.getDpsInputs()[1];
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    if (!lhsType.getElementType().isInteger(8) ||
        !rhsType.getElementType().isInteger(8))
      return failure();
    std::optional<SmallVector<int64_t>> weights = getIntConstant(rhs);
    if (!weights)
      return failure();
    SmallVector<int8_t> weightBytes(weights->begin(), weights->end());
    SmallVector<int32_t> biasValues(bias->begin(), bias->end());

    OpBuilder b(epilogue->op);
    Location loc = contraction.getLoc();
    auto outputType =
        cast<RankedTensorType>(epilogue->op->getResult(0).getType());
    // The kernels store 8-bit results; wider ones (16x8 layers' int16
    // outputs) stay loops.
    if (!outputType.getElementType().isInteger(8) ||
        epilogue->output.min < -128 || epilogue->output.max > 127)
      return failure();
    KernelCall call;

    if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(*contraction)) {
      std::optional<ConvInput> input = getConvInput(lhs);
      if (!input)
        return failure();
      int64_t outChannels = rhsType.getDimSize(0), kh = rhsType.getDimSize(1),
              kw = rhsType.getDimSize(2), inChannels = rhsType.getDimSize(3);
      SmallVector<int64_t> dilations = getI64Vector(conv.getDilations());
      SmallVector<int64_t> strides = getI64Vector(conv.getStrides());
      int64_t outH = outputType.getDimSize(1), outW = outputType.getDimSize(2);
      if (gathersWholeWindows(inChannels, kh, kw, outH * outW)) {
        // One tap of kh * kw * C channels over the copied windows.
        int64_t windowChannels = kh * kw * inChannels;
        if (failed(packConv(b, loc, call, weightBytes, outChannels,
                            windowChannels, 1, 1, biasValues, *epilogue)))
          return failure();
        int64_t ones[2] = {1, 1};
        call.geometry = makeGeometry(outH, outW, windowChannels, outH, outW,
                                     outChannels, 1, 1, 1, ones, ones, 0, 0);
        call.input =
            gatherWindows(b, loc, lhs, outH, outW, kh, kw, strides, dilations);
        call.zeroPoint = input->zeroPoint;
        call.zeroRowLength = windowChannels;
      } else if (failed(selectTaps(b, loc, call, *input, weightBytes,
                                   outChannels, inChannels, kh, kw, strides,
                                   dilations, outH, outW, biasValues,
                                   *epilogue))) {
        return failure();
      }
    } else if (auto conv =
                   dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(*contraction)) {
      std::optional<ConvInput> input = getConvInput(lhs);
      if (!input)
        return failure();
      auto inputType = cast<RankedTensorType>(input->padding.source.getType());
      int64_t kh = rhsType.getDimSize(0), kw = rhsType.getDimSize(1),
              channels = rhsType.getDimSize(2);
      // HWC back to the [C][KH][KW] the packing takes.
      SmallVector<int8_t> chw(weightBytes.size());
      for (int64_t h = 0; h < kh; ++h)
        for (int64_t w = 0; w < kw; ++w)
          for (int64_t c = 0; c < channels; ++c)
            chw[(c * kh + h) * kw + w] =
                weightBytes[(h * kw + w) * channels + c];
      QDepthwiseConv2DWeights spec;
      spec.weights = chw.data();
      spec.channels = channels;
      spec.kernelH = kh;
      spec.kernelW = kw;
      spec.bias = biasValues.data();
      spec.multipliers = epilogue->multipliers.data();
      spec.shifts = epilogue->shifts.data();
      spec.numMultipliers = epilogue->multipliers.size();
      QDepthwiseConv2DPacked packed;
      if (!packQDepthwiseConv2D(spec, packed))
        return failure();
      call.callee = getKernelName("qcc_qdwconv2d", target.int8);
      call.geometry = makeGeometry(
          inputType.getDimSize(1), inputType.getDimSize(2), channels,
          outputType.getDimSize(1), outputType.getDimSize(2), channels, 1, kh,
          kw, getI64Vector(conv.getStrides()),
          getI64Vector(conv.getDilations()), input->padding.top,
          input->padding.left);
      call.input = input->padding.source;
      call.zeroPoint = input->zeroPoint;
      call.zeroRowLength = channels;
      setPacked<int32_t>(b, loc, call, packed.weights, packed.bias,
                         packed.multiplier, packed.shift);
    } else if (isa<linalg::MatmulOp>(*contraction)) {
      if (lhsType.getRank() != 2 || !contraction.hasPureTensorSemantics())
        return failure();
      int64_t rows = lhsType.getDimSize(0), depth = rhsType.getDimSize(0),
              columns = rhsType.getDimSize(1);
      // B [K, N] is the 1x1 convolution's OHWI [N][1][1][K].
      SmallVector<int8_t> transposed(weightBytes.size());
      for (int64_t k = 0; k < depth; ++k)
        for (int64_t n = 0; n < columns; ++n)
          transposed[n * depth + k] = weightBytes[k * columns + n];
      if (failed(packConv(b, loc, call, transposed, columns, depth, 1, 1,
                          biasValues, *epilogue)))
        return failure();
      int64_t ones[2] = {1, 1};
      call.geometry = makeGeometry(1, rows, depth, 1, rows, columns, 1, 1, 1,
                                   ones, ones, 0, 0);
      call.input = lhs;
      call.zeroPoint = 0;
      call.zeroRowLength = depth;
    } else {
      return failure();
    }

    // The row of input zero points that padded taps read.
    SmallVector<int8_t> zeroRow(call.zeroRowLength,
                                static_cast<int8_t>(call.zeroPoint));
    Value zeroRowValue =
        createConstant<int8_t>(b, loc, zeroRow, b.getIntegerType(8));
    Value init = tensor::EmptyOp::create(b, loc, outputType.getShape(),
                                         outputType.getElementType());
    const RequantizeEpilogue &out = epilogue->output;
    SmallVector<Attribute> scalars = {
        b.getI32IntegerAttr(out.zeroPoint), b.getI32IntegerAttr(out.min),
        b.getI32IntegerAttr(out.max), b.getI32IntegerAttr(0)};
    auto kernel = ConvKernelOp::create(
        b, loc, TypeRange{outputType},
        FlatSymbolRefAttr::get(b.getContext(), call.callee),
        b.getDenseI32ArrayAttr(call.geometry), b.getArrayAttr(scalars),
        ValueRange{call.input, zeroRowValue, call.weights, call.bias,
                   call.multiplier, call.shift},
        init);
    epilogue->op->getResult(0).replaceAllUsesWith(kernel->getResult(0));
    epilogue->op->erase();
    if (contraction->use_empty())
      contraction->erase();
    ++rewritten;
    return success();
  }

  unsigned rewritten = 0;

private:
  /// The convolution's taps as the kernel reads them from the input itself:
  /// one per kernel position, or one per kernel row (foldsKernelRows), with
  /// the spatial padding left to the kernel's zero row.
  LogicalResult selectTaps(OpBuilder &b, Location loc, KernelCall &call,
                           ConvInput &input, ArrayRef<int8_t> ohwi,
                           int64_t outChannels, int64_t inChannels, int64_t kh,
                           int64_t kw, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations, int64_t outH,
                           int64_t outW, ArrayRef<int32_t> bias,
                           const Epilogue &epilogue) {
    bool foldRows = foldsKernelRows(inChannels, kw, dilations);
    // A folded row is one tap of kw * C channels.
    int64_t tapChannels = foldRows ? kw * inChannels : inChannels;
    int64_t tapsPerRow = foldRows ? 1 : kw;
    if (failed(packConv(b, loc, call, ohwi, outChannels, tapChannels, kh,
                        tapsPerRow, bias, epilogue)))
      return failure();
    SpatialPadding &padding = input.padding;
    if (foldRows) {
      padding.source = padColumns(b, loc, padding);
      padding.left = 0;
    }
    auto inputType = cast<RankedTensorType>(padding.source.getType());
    call.geometry =
        makeGeometry(inputType.getDimSize(1), inputType.getDimSize(2),
                     tapChannels, outH, outW, outChannels, 1, kh, tapsPerRow,
                     strides, dilations, padding.top, padding.left);
    // Consecutive pixels are C apart even though a tap reads kw * C.
    call.geometry[2] = static_cast<int32_t>(inChannels);
    call.input = padding.source;
    call.zeroPoint = input.zeroPoint;
    call.zeroRowLength = tapChannels;
    return success();
  }

  /// Packs the OHWI int8 weights `ohwi` of a convolution with one group (a
  /// matmul is a 1x1 one) and its requantization for the target's int8
  /// variant, and makes `call` use them.
  LogicalResult packConv(OpBuilder &b, Location loc, KernelCall &call,
                         ArrayRef<int8_t> ohwi, int64_t outChannels,
                         int64_t inChannels, int64_t kh, int64_t kw,
                         ArrayRef<int32_t> bias, const Epilogue &epilogue) {
    QConv2DWeights spec;
    spec.weights = ohwi.data();
    spec.outChannels = outChannels;
    spec.inChannels = inChannels;
    spec.kernelH = kh;
    spec.kernelW = kw;
    spec.bias = bias.data();
    spec.multipliers = epilogue.multipliers.data();
    spec.shifts = epilogue.shifts.data();
    spec.numMultipliers = epilogue.multipliers.size();
    QConv2DPacked packed;
    if (!packQConv2D(target.int8, spec, packed))
      return failure();
    call.callee = getKernelName("qcc_qconv2d", target.int8);
    setPacked<int8_t>(b, loc, call, packed.weights, packed.bias,
                      packed.multiplier, packed.shift);
    return success();
  }

  template <typename W>
  void setPacked(OpBuilder &b, Location loc, KernelCall &call,
                 ArrayRef<W> weights, ArrayRef<int32_t> bias,
                 ArrayRef<int32_t> multiplier, ArrayRef<int32_t> shift) {
    call.weights =
        createConstant<W>(b, loc, weights, b.getIntegerType(sizeof(W) * 8));
    call.bias = createConstant<int32_t>(b, loc, bias, b.getI32Type());
    call.multiplier =
        createConstant<int32_t>(b, loc, multiplier, b.getI32Type());
    call.shift = createConstant<int32_t>(b, loc, shift, b.getI32Type());
  }

  const KernelTarget &target;
};

struct SelectKernelsPass
    : public qcc::cpu::impl::SelectKernelsPassBase<SelectKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<std::optional<KernelTarget>> target = getKernelTarget(module);
    if (failed(target))
      return signalPassFailure();
    if (!*target)
      return;
    KernelSelector selector(**target);
    SmallVector<linalg::LinalgOp> contractions;
    module.walk([&](linalg::LinalgOp op) {
      if (isa<linalg::Conv2DNhwcFhwcOp, linalg::DepthwiseConv2DNhwcHwcOp,
              linalg::MatmulOp>(op.getOperation()))
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions)
      (void)selector.rewrite(op);
    (void)selectFloatKernels(module, **target);
  }
};

} // namespace
