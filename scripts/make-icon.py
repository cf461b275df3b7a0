"""Draws media/icon.png, the 128x128 marketplace icon (run with Debian's python3 and python3-pil)."""

from PIL import Image, ImageDraw

SIZE = 128
image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
draw = ImageDraw.Draw(image)
draw.rounded_rectangle((4, 4, SIZE - 4, SIZE - 4), radius=24, fill=(24, 62, 102, 255))
draw.ellipse((22, 22, 106, 106), outline=(140, 200, 255, 255), width=6)
draw.line((24, 52, 104, 52), fill=(140, 200, 255, 255), width=5)
draw.line((24, 76, 104, 76), fill=(140, 200, 255, 255), width=5)
draw.arc((44, 22, 84, 106), 0, 360, fill=(140, 200, 255, 255), width=5)
# The robot gripper: two jaws closing on the world.
draw.polygon([(88, 14), (118, 14), (118, 22), (96, 22)], fill=(255, 176, 64, 255))
draw.polygon([(88, 114), (118, 114), (118, 106), (96, 106)], fill=(255, 176, 64, 255))
image.save("media/icon.png")
