#include "http_sender.hpp"

#include <curl/curl.h>

#include <cctype>
#include <map>
#include <memory>

namespace skm::sync {

namespace {
struct Sink {
    std::string* body;
    size_t limit; // 0: none
    bool overflow = false;
};

size_t collect(char* data, size_t size, size_t n, void* out)
{
    Sink& sink = *static_cast<Sink*>(out);
    if (sink.limit && sink.body->size() + size * n > sink.limit) {
        sink.overflow = true;
        return 0; // CURLE_WRITE_ERROR: the transfer ends here
    }
    sink.body->append(data, size * n);
    return size * n;
}

// libcurl's progress callback: a non-zero answer abandons the transfer (CURLE_ABORTED_BY_CALLBACK).
int checkCancel(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; }

size_t collectHeader(char* data, size_t size, size_t n, void* out)
{
    std::string line(data, size * n);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        const size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t\r\n");
        (*static_cast<std::map<std::string, std::string>*>(out))[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    return size * n;
}
} // namespace

HttpResponse curlSend(const HttpRequest& request, const CurlOptions& options)
{
    HttpResponse response;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) {
        response.error = "curl_easy_init failed";
        return response;
    }
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : request.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headerList(headers, curl_slist_free_all);
    char errbuf[CURL_ERROR_SIZE] = {};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    if (request.method == "GET") {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    Sink sink{&response.body, options.maxResponseBytes};
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collectHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, options.timeoutSeconds);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L); // TLS is verified, always
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_blob ca{const_cast<char*>(request.caPem.data()), request.caPem.size(), CURL_BLOB_COPY};
    if (!request.caPem.empty()) curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &ca);
    if (!request.pinnedKey.empty()) curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, request.pinnedKey.c_str());
    if (request.maxSendBytesPerSecond > 0) curl_easy_setopt(c, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(request.maxSendBytesPerSecond));
    if (request.cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, checkCancel);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(request.cancel));
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    // Proxies come from the environment (https_proxy, no_proxy), as libcurl reads them by default.
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        response.error = sink.overflow ? "the answer is larger than " + std::to_string(sink.limit) + " bytes" : errbuf[0] ? errbuf : curl_easy_strerror(rc);
        response.body.clear();
        response.cancelled = rc == CURLE_ABORTED_BY_CALLBACK;
        response.tlsFailure = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
                              rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR;
        return response;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
}

} // namespace skm::sync
