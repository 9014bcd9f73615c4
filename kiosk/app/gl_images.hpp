#pragma once
// The screens' pictures as OpenGL textures (ui::ImageSource): each file decoded once with stb_image
// (already checked when it arrived: roster::photoProblem), kept while it is shown, and dropped with
// the others when the path changes (a kiosk shows one officer's photo at a time). The window's GL
// context must be current; UI thread only.

#include <kiosk/ui/images.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace skm::app {

class GlImages final : public ui::ImageSource {
public:
    GlImages() = default;
    ~GlImages() override;
    GlImages(const GlImages&) = delete;
    GlImages& operator=(const GlImages&) = delete;

    [[nodiscard]] ui::Image get(const std::string& path) override;

private:
    void drop();

    std::string m_path;
    std::filesystem::file_time_type m_mtime{};
    ui::Image m_image;
    bool m_failed = false; // this path (at this modification time) could not be decoded: not retried
};

} // namespace skm::app
