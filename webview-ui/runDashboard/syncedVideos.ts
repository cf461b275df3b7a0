// Two videos played as one: the left one leads, the right one follows its play, pause, seek and loop, and any drift
// is corrected, so two validation steps can be compared frame by frame.

const MAX_DRIFT_SECONDS = 0.1;

export function syncVideos(leader: HTMLVideoElement, follower: HTMLVideoElement): void {
  const align = () => {
    if (
      Number.isFinite(leader.currentTime) &&
      Math.abs(follower.currentTime - leader.currentTime) > MAX_DRIFT_SECONDS
    ) {
      follower.currentTime = Math.min(
        leader.currentTime,
        Number.isFinite(follower.duration) ? follower.duration : leader.currentTime,
      );
    }
  };
  leader.addEventListener('play', () => {
    align();
    void follower.play().catch(() => undefined);
  });
  leader.addEventListener('pause', () => follower.pause());
  leader.addEventListener('seeked', align);
  leader.addEventListener('timeupdate', align);
  leader.addEventListener('ratechange', () => {
    follower.playbackRate = leader.playbackRate;
  });
  // The follower has no controls of its own: it is driven only by the leader.
  follower.controls = false;
}
