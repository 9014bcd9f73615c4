#pragma once
// The libcurl transport: sends one request, returns the response. No policy here.

#include "uploader.hpp"

namespace skm::sync {

struct CurlOptions {
    long timeoutSeconds = 60;
    size_t maxResponseBytes = 0; // a longer answer is abandoned (an error, "answer too large"); 0: no limit
};

[[nodiscard]] HttpResponse curlSend(const HttpRequest& request, const CurlOptions& options = {});

} // namespace skm::sync
