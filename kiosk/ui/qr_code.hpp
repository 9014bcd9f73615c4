#pragma once
// A QR code (core/qr.hpp) drawn as squares by Dear ImGui: dark modules on a white square with the
// standard quiet zone of four modules, whatever the theme.

#include <core/qr.hpp>

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

namespace skm::ui {

using QrCode = qr::Matrix;

[[nodiscard]] inline QrCode makeQrCode(const std::string& text) { return qr::encode(text); }
// Draws `code` (its quiet zone included) in the square at `topLeft` with side `side`, each module a whole
// number of pixels so that a phone's camera reads it from the panel.
void drawQrCode(ImDrawList* dl, const QrCode& code, ImVec2 topLeft, float side);

} // namespace skm::ui
