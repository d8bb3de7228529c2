/* The floor for reading a capture: a libpcap loop that only counts packets, with the
 * file opened by fopen + a 1 MiB stdio buffer + pcap_fopen_offline (faster than
 * libpcap's default buffering). Usage: pcap_count FILE */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: pcap_count FILE\n");
        return 2;
    }
    FILE* f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static char buffer[1 << 20];
    setvbuf(f, buffer, _IOFBF, sizeof buffer);
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_fopen_offline(f, err);
    if (!p) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct pcap_pkthdr* h;
    const u_char* d;
    unsigned long long n = 0, bytes = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        ++n;
        bytes += h->caplen;
    }
    printf("%llu packets, %llu bytes\n", n, bytes);
    pcap_close(p);
    return 0;
}
