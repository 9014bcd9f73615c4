#pragma once
// The libcurl transport: sends one request, returns the response. No policy here.

#include "uploader.hpp"

namespace skm::sync {

struct CurlOptions {
    long timeoutSeconds = 60;
};

[[nodiscard]] HttpResponse curlSend(const HttpRequest& request, const CurlOptions& options = {});

} // namespace skm::sync
