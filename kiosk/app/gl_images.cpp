#include "gl_images.hpp"

#include <GLFW/glfw3.h>
#include <spdlog/spdlog.h>
#include <stb_image.h>

namespace skm::app {

namespace {
// Far beyond the roster's own limit (2048 x 2048): a file changed behind the kiosk's back is refused.
constexpr int kMaxSide = 4096;
} // namespace

GlImages::~GlImages() { drop(); }

void GlImages::drop()
{
    if (m_image.texture) {
        GLuint id = static_cast<GLuint>(reinterpret_cast<intptr_t>(m_image.texture));
        glDeleteTextures(1, &id);
    }
    m_image = {};
    m_failed = false;
}

ui::Image GlImages::get(const std::string& path)
{
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(path, ec);
    if (ec) return {};
    if (path == m_path && mtime == m_mtime) return m_failed ? ui::Image{} : m_image;
    drop();
    m_path = path;
    m_mtime = mtime;
    int w = 0, h = 0, channels = 0;
    if (!stbi_info(path.c_str(), &w, &h, &channels) || w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide) {
        spdlog::warn("photo {} not shown: not a readable image of at most {} pixels a side", path, kMaxSide);
        m_failed = true;
        return {};
    }
    unsigned char* pixels = stbi_load(path.c_str(), &w, &h, &channels, 4);
    if (!pixels) {
        spdlog::warn("photo {} not shown: {}", path, stbi_failure_reason());
        m_failed = true;
        return {};
    }
    GLuint id = 0;
    glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
    stbi_image_free(pixels);
    m_image = {reinterpret_cast<ImTextureID>(static_cast<intptr_t>(id)), w, h};
    return m_image;
}

} // namespace skm::app
