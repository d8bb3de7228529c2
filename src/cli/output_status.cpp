#include "cli/output_status.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

namespace tlsdissect {

namespace {
int first_error = 0;  // errno of the first failed write seen by stdout_failed()
}

void guard_closed_stdout() {
    if (fcntl(STDOUT_FILENO, F_GETFD) != -1 || errno != EBADF) return;
    const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fd == STDOUT_FILENO) return;
    dup2(fd, STDOUT_FILENO);
    close(fd);
}

bool stdout_failed() {
    if (!std::ferror(stdout)) return false;
    if (first_error == 0) first_error = errno != 0 ? errno : EIO;
    return true;
}

int finish_stdout() {
    int error = 0;
    if (std::fflush(stdout) != 0)
        error = errno != 0 ? errno : EIO;
    else if (stdout_failed())
        error = first_error;
    if (error == 0) return 0;
    if (error == EPIPE) {
        std::signal(SIGPIPE, SIG_DFL);
        std::raise(SIGPIPE);
        return 128 + SIGPIPE;
    }
    std::fprintf(stderr, "tlsdissect: cannot write the output: %s\n", std::strerror(error));
    return kExitWriteError;
}

}  // namespace tlsdissect
