// Internals shared by the capture readers.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "tlsdissect/capture.hpp"
#include "tlsdissect/field.hpp"

namespace tlsdissect {

// Takes ownership of `file`, positioned at the start of a pcapng Section Header Block.
std::unique_ptr<CaptureReader> make_pcapng_reader(std::FILE* file, CaptureError& error,
                                                  std::string& message);

}  // namespace tlsdissect
