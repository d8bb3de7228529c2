// Standard output is checked, not trusted: a full disk (/dev/full), a closed descriptor
// or an I/O error ends the run with one line on stderr and exit status 7
// (docs/user-guide.md), instead of output lost in silence. A reader that went away
// (`| head -1`) ends the run quietly, as SIGPIPE would.
#pragma once

namespace tlsdissect {

inline constexpr int kExitWriteError = 7;

// Call before opening any file: when standard output is closed, its descriptor is
// taken by a read-only /dev/null, so that writes to it still fail (EBADF) and no file
// opened later (a capture, the --html page) can become standard output by accident.
void guard_closed_stdout();

// True once a write to standard output has failed (checked after every packet, so the
// run stops instead of dissecting a capture nobody can see).
bool stdout_failed();

// Flushes standard output. 0 when everything written arrived; else prints
// "tlsdissect: cannot write the output: REASON" and returns kExitWriteError. A closed
// pipe (EPIPE) prints nothing and ends the process by SIGPIPE.
int finish_stdout();

}  // namespace tlsdissect
