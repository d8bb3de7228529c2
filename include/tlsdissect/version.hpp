#pragma once

namespace tlsdissect {
inline constexpr const char* kVersion = "0.1.0";
}
