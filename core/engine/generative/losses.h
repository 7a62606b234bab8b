// Losses of the generative methods, on plain feature tensors (internal to core/engine: Torch types).
#pragma once
#include <ATen/ATen.h>

#include <vector>

namespace zm::generative {

/// Multi-kernel maximum mean discrepancy between two samples x [M,D] and y [N,D], as in the ZS3Net and
/// CaGNet code: k_s(a,b) = exp(-|a-b|^2 / (2 s)) summed over the widths s, biased estimate
/// mean k(x,x) + mean k(y,y) - 2 mean k(x,y); returns its square root (clamped at 0) when `takeSqrt`.
at::Tensor mmdLoss(const at::Tensor& x, const at::Tensor& y, const std::vector<double>& sigmas, bool takeSqrt = true);

/// LSGAN (Mao et al.) discriminator loss: 0.5 mean (D(real) - 1)^2 + 0.5 mean D(fake)^2.
at::Tensor lsganDiscriminatorLoss(const at::Tensor& realScore, const at::Tensor& fakeScore);
/// LSGAN generator loss: 0.5 mean (D(fake) - 1)^2.
at::Tensor lsganGeneratorLoss(const at::Tensor& fakeScore);

/// KL divergence of N(mu, exp(logvar)) from N(0, 1): -0.5 sum_dim1 (1 + logvar - mu^2 - exp(logvar)),
/// averaged over every other dimension (pixels or samples). CaGNet's contextual regulariser, VM's VAE term.
at::Tensor gaussianKld(const at::Tensor& mu, const at::Tensor& logvar);

/// Cross-entropy of logits [N,C] against labels [N] (int64, -1 = ignore) with per-class weights [C]
/// (undefined = all 1), normalised by the summed weights of the counted samples (PyTorch's convention).
/// Returns 0 (with a graph) when no sample counts.
at::Tensor weightedCrossEntropy(const at::Tensor& logits, const at::Tensor& labels, const at::Tensor& classWeights = {});

} // namespace zm::generative
