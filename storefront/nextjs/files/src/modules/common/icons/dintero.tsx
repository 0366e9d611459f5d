import React from "react"

import { IconProps } from "types/icon"

/** A plain "D" mark for the Dintero payment method (drawn for this integration, not Dintero's artwork). */
const Dintero: React.FC<IconProps> = ({ size = "20", color = "currentColor", ...attributes }) => {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role="img"
      xmlns="http://www.w3.org/2000/svg"
      fill="none"
      stroke={color}
      strokeWidth="2"
      {...attributes}
    >
      <title>Dintero</title>
      <rect x="2" y="2" width="20" height="20" rx="5" />
      <path d="M8 6.5h3.5a5.5 5.5 0 0 1 0 11H8z" />
    </svg>
  )
}

export default Dintero
