// skm-bench-first-frame FILE [WxH]: the start-up benchmark's baseline. The least a GLFW + OpenGL 3 program
// can do before its first frame is on the screen: open the window the kiosk opens, clear it, swap,
// glFinish, then write "first_frame NS" (CLOCK_MONOTONIC) to FILE and wait for SIGTERM.

#include <GLFW/glfw3.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <string>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) { g_stop = 1; }

long long monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000LL + ts.tv_nsec;
}
} // namespace

int main(int argc, char** argv)
{
    const long long started = monotonicNs();
    if (argc < 2) {
        std::fprintf(stderr, "usage: skm-bench-first-frame FILE [WxH]\n");
        return 2;
    }
    int w = 1280, h = 800;
    if (argc > 2 && std::sscanf(argv[2], "%dx%d", &w, &h) != 2) return 2;
    std::signal(SIGTERM, onSignal);
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    GLFWwindow* window = glfwCreateWindow(w, h, "first frame", nullptr, nullptr);
    if (!window) return 1;
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    glClearColor(0.1f, 0.3f, 0.6f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    glfwSwapBuffers(window);
    glFinish();
    const long long shown = monotonicNs();
    const std::string tmp = std::string(argv[1]) + ".tmp";
    if (FILE* f = std::fopen(tmp.c_str(), "w")) {
        std::fprintf(f, "main %lld\nfirst_frame %lld\n", started, shown);
        std::fclose(f);
        std::rename(tmp.c_str(), argv[1]);
    }
    while (!g_stop && !glfwWindowShouldClose(window)) glfwWaitEventsTimeout(0.2);
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
