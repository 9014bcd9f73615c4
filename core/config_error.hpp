#pragma once
// A configuration file that cannot be used: the kiosk's configuration, a translation catalogue, a
// survey definition. what() reads "FILE:LINE: key 'K': message" (no "key" part when `key` is empty).

#include <stdexcept>
#include <string>
#include <utility>

namespace skm::config {

class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, std::string key, const std::string& message)
        : std::runtime_error(file + ":" + std::to_string(line) + ": " + (key.empty() ? "" : "key '" + key + "': ") + message),
          m_file(std::move(file)), m_line(line), m_key(std::move(key))
    {
    }
    [[nodiscard]] const std::string& file() const noexcept { return m_file; }
    [[nodiscard]] int line() const noexcept { return m_line; }
    [[nodiscard]] const std::string& key() const noexcept { return m_key; }

private:
    std::string m_file;
    int m_line;
    std::string m_key;
};

} // namespace skm::config
