#include "qr.hpp"

#include <qrencode.h>

#include <memory>

namespace skm::qr {

Matrix encode(const std::string& text)
{
    Matrix out;
    if (text.empty()) return out;
    std::unique_ptr<QRcode, decltype(&QRcode_free)> q(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    if (!q) return out;
    out.modules = q->width;
    out.dark.resize(static_cast<size_t>(q->width) * static_cast<size_t>(q->width));
    for (size_t i = 0; i < out.dark.size(); ++i) out.dark[i] = q->data[i] & 1;
    return out;
}

} // namespace skm::qr
