#!/usr/bin/perl
# The Sisimai reference for bench/run.sh: the same inputs through
# Sisimai->make (Debian's libsisimai-perl, 4.x API), timed the same way.
#
#   sisimai.pl files SET ROUNDS FILE...   messages held in memory
#   sisimai.pl mbox SET PATH              an mbox file, read by Sisimai
use strict;
use warnings;
use Sisimai;
use Time::HiRes qw(clock_gettime CLOCK_PROCESS_CPUTIME_ID);

# CPU time of the process, as bench-io.h measures it for the C programs.
sub cpu_time { return clock_gettime(CLOCK_PROCESS_CPUTIME_ID) }

# Peak resident set size in KiB (what getrusage's ru_maxrss gives in C).
sub peak_rss_kib {
    open(my $fh, '<', '/proc/self/status') or return 0;
    while (<$fh>) { return $1 if /^VmHWM:\s+(\d+)/ }
    return 0;
}

sub result {
    my ($set, $msgs, $bytes, $secs) = @_;
    printf "RESULT sisimai %s %d %d %.6f %d\n", $set, $msgs, $bytes, $secs, peak_rss_kib();
    printf STDERR "%-10s %-10s %8d msgs %9.1f MB %8.3f s %10.0f msg/s %8.1f MB/s  peak RSS %.1f MiB\n",
        'sisimai', $set, $msgs, $bytes / 1e6, $secs, $msgs / $secs, $bytes / 1e6 / $secs,
        peak_rss_kib() / 1024;
}

my $cmd = shift // '';
if ($cmd eq 'files') {
    my ($set, $rounds, @paths) = @ARGV;
    my @data;
    for my $p (@paths) {
        open(my $fh, '<:raw', $p) or die "$p: $!";
        local $/;
        push @data, scalar <$fh>;
        close $fh;
    }
    my ($msgs, $bytes, $found) = (0, 0, 0);
    my $t0 = cpu_time();
    for (1 .. $rounds) {
        for my $d (@data) {
            my $r = Sisimai->make(\$d);
            $found += scalar @$r if $r;
            $msgs++;
            $bytes += length $d;
        }
    }
    result($set, $msgs, $bytes, cpu_time() - $t0);
} elsif ($cmd eq 'mbox') {
    my ($set, $path) = @ARGV;
    my $t0 = cpu_time();
    my ($msgs, $found) = (0, 0);
    # Sisimai->make would keep every result of the file in one list; use the
    # same loop with a callback-free per-message parse to stay streaming.
    require Sisimai::Mail;
    require Sisimai::Message;
    require Sisimai::Data;
    my $mail = Sisimai::Mail->new($path) or die "$path: cannot open";
    while (my $r = $mail->data->read) {
        $msgs++;
        my $mesg = Sisimai::Message->new('data' => $r) or next;
        my $data = Sisimai::Data->make('data' => $mesg, 'origin' => $path);
        $found += scalar @$data if $data;
    }
    result($set, $msgs, -s $path, cpu_time() - $t0);
} else {
    die "usage: sisimai.pl files SET ROUNDS FILE... | mbox SET PATH\n";
}
